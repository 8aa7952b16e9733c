import { commonErrors, defineErrors, type ErrorCatalogue, GrpcStatus } from '@cqrs-products/errors';

/**
 * What the gateway can answer besides success. `type` URIs in problem+json are derived from the
 * code, so codes are part of the public API: never rename one. `retryable`: the same request may
 * succeed later unchanged (the 503s, a request that arrived too slowly); everything else needs a
 * different request (or a fix, for INTERNAL).
 */
export const gatewayErrors = {
  PRODUCT_NOT_FOUND: {
    message: 'Product not found',
    httpStatus: 404,
    grpcStatus: GrpcStatus.NOT_FOUND,
    retryable: false,
  },
  INVALID_REQUEST: {
    message: 'The request is invalid',
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
  COMMAND_NOT_ACCEPTED: {
    message: 'The command could not be queued, nothing was changed; retry later',
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
    retryable: true,
  },
  COMMAND_QUEUE_FULL: {
    message:
      'Too many commands are waiting for Kafka, nothing was changed; retry after the delay in Retry-After',
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
    retryable: true,
  },
  VERSION_NOT_YET_VISIBLE: {
    message:
      'The read model does not have the version or change asked for yet; retry after the delay in Retry-After',
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
    retryable: true,
  },
  READ_MODEL_UNAVAILABLE: {
    message: 'The read model is unavailable; retry later',
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
    retryable: true,
  },
  // HTTP itself: what Fastify and Node's parser refuse before a handler runs (http/framework-errors.ts).
  ROUTE_NOT_FOUND: {
    message: 'No route has this path',
    httpStatus: 404,
    grpcStatus: GrpcStatus.NOT_FOUND,
    retryable: false,
  },
  METHOD_NOT_ALLOWED: {
    message: 'The path does not support this method; the Allow header lists those it does',
    httpStatus: 405,
    grpcStatus: GrpcStatus.UNIMPLEMENTED,
    retryable: false,
  },
  NOT_IMPLEMENTED: {
    message: 'The request method is not one the server knows',
    httpStatus: 501,
    grpcStatus: GrpcStatus.UNIMPLEMENTED,
    retryable: false,
  },
  BODY_TOO_LARGE: {
    message: 'The request body is larger than the gateway accepts',
    httpStatus: 413,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
  MALFORMED_JSON: {
    message: 'The request body is not valid JSON',
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
  UNSUPPORTED_MEDIA_TYPE: {
    message: 'Only application/json request bodies are accepted',
    httpStatus: 415,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
  URI_TOO_LONG: {
    message: 'A path segment is longer than the gateway accepts',
    httpStatus: 414,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
  HEADERS_TOO_LARGE: {
    message: 'The request headers are larger than the gateway accepts',
    httpStatus: 431,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
  REQUEST_TIMEOUT: {
    message: 'The request did not arrive in time',
    httpStatus: 408,
    grpcStatus: GrpcStatus.DEADLINE_EXCEEDED,
    retryable: true,
  },
  BAD_REQUEST: {
    message: 'The request is not well-formed HTTP',
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
  INTERNAL: {
    message: 'An unexpected error occurred',
    httpStatus: 500,
    grpcStatus: GrpcStatus.INTERNAL,
    retryable: false,
  },
} as const satisfies ErrorCatalogue;

/** Everything the gateway answers with: its own codes plus the shared validation failure. */
export const gatewayCatalogue = {
  VALIDATION_FAILED: commonErrors.VALIDATION_FAILED,
  ...gatewayErrors,
} as const satisfies ErrorCatalogue;

export type GatewayErrorCode = keyof typeof gatewayCatalogue;

export const isGatewayErrorCode = (code: string): code is GatewayErrorCode =>
  Object.hasOwn(gatewayCatalogue, code);

/** Ready factories, the only ones the gateway uses: `errors.PRODUCT_NOT_FOUND(id)`. */
export const errors = defineErrors(gatewayCatalogue);
