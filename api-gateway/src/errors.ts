import { type ErrorCatalogue, GrpcStatus } from '@cqrs-products/errors';

/**
 * What the gateway can answer besides success. `type` URIs in problem+json are derived from the
 * code, so codes are part of the public API: never rename one.
 */
export const gatewayErrors = {
  PRODUCT_NOT_FOUND: { message: 'Product not found', httpStatus: 404, grpcStatus: GrpcStatus.NOT_FOUND },
  INVALID_REQUEST: {
    message: 'The request is invalid',
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
  },
  COMMAND_NOT_ACCEPTED: {
    message: 'The command could not be queued, nothing was changed; retry later',
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
  },
  COMMAND_QUEUE_FULL: {
    message:
      'Too many commands are waiting for Kafka, nothing was changed; retry after the delay in Retry-After',
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
  },
  READ_MODEL_UNAVAILABLE: {
    message: 'The read model is unavailable; retry later',
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
  },
} as const satisfies ErrorCatalogue;
