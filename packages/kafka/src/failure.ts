/**
 * How a handler failure is treated:
 * - `permanent`: the message itself is bad (undecodable, invalid, refers to nothing); retrying
 *   cannot help, so it goes to the dead-letter topic at once.
 * - `transient`: a dependency is down; the message is fine and must not be dead-lettered. It is
 *   retried, with the partition paused between attempts, until the dependency is back.
 * - `unknown`: retried a bounded number of times, then dead-lettered, so a bug that fails on one
 *   message cannot block its partition forever.
 */
export type FailureKind = 'permanent' | 'transient' | 'unknown';

/** Thrown by handlers for a message that can never be processed (a poison message). */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
  constructor(
    message: string,
    readonly code = 'POISON_MESSAGE',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const transientNetworkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Default classification. An error that says whether it is `retryable` (the services' coded
 * errors: a store outage their adapter named, a rejection, a poison message) is taken at its word;
 * then our poison marker is permanent, network and Kafka failures transient. A store's own errors
 * are the service's to name (in its adapter, or a `classify` it passes), not this package's.
 */
export function classifyFailure(error: unknown): FailureKind {
  const retryable = (error as { retryable?: unknown } | null)?.retryable;
  if (typeof retryable === 'boolean') return retryable ? 'transient' : 'permanent';
  if (error instanceof PoisonMessageError) return 'permanent';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && transientNetworkCodes.has(code)) return 'transient';
  const name = (error as { name?: unknown } | null)?.name;
  if (typeof name === 'string' && name.startsWith('KafkaJS')) return 'transient';
  return 'unknown';
}
