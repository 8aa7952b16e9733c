import { status as GrpcStatus } from '@grpc/grpc-js';

export { GrpcStatus };

/** How one kind of failure is named and how each transport reports it. */
export interface ErrorSpec {
  readonly message: string;
  readonly httpStatus: number;
  readonly grpcStatus: GrpcStatus;
  /**
   * Whether the same request or message can succeed later, unchanged: a client may retry it, a
   * consumer waits it out (partition paused) instead of dead-lettering it. Absent means false: a
   * failure is final unless its catalogue says otherwise.
   */
  readonly retryable?: boolean;
}

export type ErrorCatalogue = Readonly<Record<string, ErrorSpec>>;

export interface AppErrorOptions {
  /** Extra, caller-facing context (e.g. field errors); never secrets or stack traces. */
  readonly details?: Record<string, unknown>;
  readonly cause?: unknown;
}

/**
 * An expected, operational failure with a stable code. Transports map it to a status from its
 * spec in exactly one place each; anything that is not an AppError is treated as a bug (500/INTERNAL).
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly details: Record<string, unknown> | undefined;
  /** From the spec, so whoever handles the failure decides from the code alone, once. */
  readonly retryable: boolean;

  constructor(
    readonly code: string,
    readonly spec: ErrorSpec,
    detail?: string,
    options: AppErrorOptions = {},
  ) {
    super(detail ? `${spec.message}: ${detail}` : spec.message, { cause: options.cause });
    this.details = options.details;
    this.retryable = spec.retryable ?? false;
  }
}

export type ErrorFactories<C extends ErrorCatalogue> = {
  readonly [K in keyof C & string]: (detail?: string, options?: AppErrorOptions) => AppError;
};

/**
 * Turns a catalogue into factories: `errors.PRODUCT_NOT_FOUND(id)`. Keys are the codes, so a
 * code can only be declared once per catalogue; `assertUniqueCodes` checks across catalogues.
 */
export function defineErrors<const C extends ErrorCatalogue>(catalogue: C): ErrorFactories<C> {
  const factories: Record<string, (detail?: string, options?: AppErrorOptions) => AppError> = {};
  for (const [code, spec] of Object.entries(catalogue)) {
    factories[code] = (detail, options) => new AppError(code, spec, detail, options);
  }
  return factories as ErrorFactories<C>;
}

/** Throws if two catalogues declare the same code (codes are part of the public API). */
export function assertUniqueCodes(...catalogues: ErrorCatalogue[]): void {
  const seen = new Set<string>();
  for (const code of catalogues.flatMap((c) => Object.keys(c))) {
    if (seen.has(code)) throw new Error(`error code declared twice: ${code}`);
    seen.add(code);
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/**
 * Failures every service shares. Each service spreads them into its own catalogue (its errors.ts)
 * and makes its factories there, once, so a service has one module of errors.
 */
export const commonErrors = {
  VALIDATION_FAILED: {
    message: 'Request validation failed',
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
  DEPENDENCY_UNAVAILABLE: {
    message: 'A dependency is unavailable',
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
    retryable: true,
  },
  TIMEOUT: {
    message: 'The operation timed out',
    httpStatus: 504,
    grpcStatus: GrpcStatus.DEADLINE_EXCEEDED,
    retryable: true,
  },
} as const satisfies ErrorCatalogue;
