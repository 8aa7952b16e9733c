/**
 * What the CLI reports instead of a stack trace. A CLI has no HTTP or gRPC status to map to, so
 * each code carries the exit code instead: 2 for a wrong invocation (fix the command line or the
 * environment), 1 for a request that failed (the broker, the topic or the offset).
 */
export const dlqErrorCatalogue = {
  USAGE: { message: 'Invalid command line', exitCode: 2 },
  CONFIG_INVALID: { message: 'Invalid configuration', exitCode: 2 },
  NOT_A_DLQ_TOPIC: { message: 'Not a dead-letter topic', exitCode: 2 },
  OFFSET_AMBIGUOUS: { message: 'Offset without a partition', exitCode: 2 },
  TOPIC_NOT_FOUND: { message: 'Topic not found', exitCode: 1 },
  OFFSET_NOT_FOUND: { message: 'No dead letter at this offset', exitCode: 1 },
  NOT_REDRIVABLE: { message: 'Dead letter cannot be redriven', exitCode: 1 },
  KAFKA_FAILED: { message: 'Kafka request failed', exitCode: 1 },
  READ_TIMEOUT: { message: 'Reading the topic timed out', exitCode: 1 },
} as const satisfies Readonly<Record<string, { message: string; exitCode: 1 | 2 }>>;

export type DlqErrorCode = keyof typeof dlqErrorCatalogue;

export class DlqError extends Error {
  override readonly name = 'DlqError';
  readonly exitCode: number;

  constructor(
    readonly code: DlqErrorCode,
    detail?: string,
    options: { cause?: unknown } = {},
  ) {
    const { message, exitCode } = dlqErrorCatalogue[code];
    super(detail ? `${message}: ${detail}` : message, { cause: options.cause });
    this.exitCode = exitCode;
  }
}

/** `dlqErrors.TOPIC_NOT_FOUND('x.dlq')`, as the services' catalogues read. */
export const dlqErrors = Object.fromEntries(
  (Object.keys(dlqErrorCatalogue) as DlqErrorCode[]).map((code) => [
    code,
    (detail?: string, options?: { cause?: unknown }) => new DlqError(code, detail, options),
  ]),
) as { readonly [K in DlqErrorCode]: (detail?: string, options?: { cause?: unknown }) => DlqError };

export const isDlqError = (error: unknown): error is DlqError => error instanceof DlqError;
