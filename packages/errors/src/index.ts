import { status as GrpcStatus } from '@grpc/grpc-js';

export { GrpcStatus };

/** How one kind of failure is named and how each transport reports it. */
export interface ErrorSpec {
  readonly message: string;
  readonly httpStatus: number;
  readonly grpcStatus: GrpcStatus;
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

  constructor(
    readonly code: string,
    readonly spec: ErrorSpec,
    detail?: string,
    options: AppErrorOptions = {},
  ) {
    super(detail ? `${spec.message}: ${detail}` : spec.message, { cause: options.cause });
    this.details = options.details;
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

/** Failures every service shares; service-specific catalogues live in each service's errors.ts. */
export const commonErrors = {
  VALIDATION_FAILED: {
    message: 'Request validation failed',
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
  },
  DEPENDENCY_UNAVAILABLE: {
    message: 'A dependency is unavailable',
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
  },
  TIMEOUT: { message: 'The operation timed out', httpStatus: 504, grpcStatus: GrpcStatus.DEADLINE_EXCEEDED },
} as const satisfies ErrorCatalogue;

export const errors = defineErrors(commonErrors);
