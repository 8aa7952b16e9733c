import { describeIssues } from '@cqrs-products/contracts';
import { isAppError } from '@cqrs-products/errors';
import { Metadata, type ServerUnaryCall, type sendUnaryData, status } from '@grpc/grpc-js';
import type { z } from 'zod';

export interface UnaryLog {
  error(obj: object, msg: string): void;
}

export interface GrpcError {
  readonly code: status;
  readonly details: string;
  readonly metadata?: Metadata;
}

/**
 * The one place where failures become gRPC statuses: invalid input -> INVALID_ARGUMENT with the
 * field errors, a coded AppError -> the status of its catalogue entry (with its code in the
 * `error-code` trailer), anything else -> INTERNAL without internals leaking to the caller.
 */
export function toGrpcError(error: unknown, log: UnaryLog, method: string): GrpcError {
  if (isAppError(error)) {
    const metadata = new Metadata();
    metadata.set('error-code', error.code);
    return { code: error.spec.grpcStatus, details: error.message, metadata };
  }
  log.error({ err: error, method }, 'unhandled error in gRPC method');
  return { code: status.INTERNAL, details: 'internal error' };
}

/**
 * Wraps a unary method: validates the request with `schema` (INVALID_ARGUMENT when it does not
 * match), runs `handler` with the parsed value and maps its failures with `toGrpcError`.
 */
export function unary<S extends z.ZodType, Res>(
  method: string,
  schema: S,
  handler: (request: z.infer<S>, call: ServerUnaryCall<unknown, Res>) => Promise<Res>,
  log: UnaryLog,
): (call: ServerUnaryCall<unknown, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    const parsed = schema.safeParse(call.request);
    if (!parsed.success) {
      callback({ code: status.INVALID_ARGUMENT, details: describeIssues(parsed.error, 'request') });
      return;
    }
    handler(parsed.data, call).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toGrpcError(error, log, method)),
    );
  };
}
