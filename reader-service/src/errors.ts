import { defineErrors, type ErrorCatalogue, GrpcStatus } from '@cqrs-products/errors';

/** Every failure the reader reports to callers, with its gRPC (and, through the gateway, HTTP) status. */
export const readerErrorCatalogue = {
  PRODUCT_NOT_FOUND: { message: 'Product not found', httpStatus: 404, grpcStatus: GrpcStatus.NOT_FOUND },
  /** Redis could not answer and the bounded way to MongoDB is full, paused after failures, or failed. */
  READ_MODEL_UNAVAILABLE: {
    message: 'The read model cannot answer now, try again',
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
  },
} as const satisfies ErrorCatalogue;

export const readerErrors = defineErrors(readerErrorCatalogue);
