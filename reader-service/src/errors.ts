import { defineErrors, type ErrorCatalogue, GrpcStatus } from '@cqrs-products/errors';

/** Every failure the reader reports to callers, with its gRPC (and, through the gateway, HTTP) status. */
export const readerErrorCatalogue = {
  PRODUCT_NOT_FOUND: { message: 'Product not found', httpStatus: 404, grpcStatus: GrpcStatus.NOT_FOUND },
  /** Read-your-writes: the version or change asked for is not in the read model within the bound. */
  VERSION_NOT_YET_VISIBLE: {
    message: 'The requested version is not visible yet, try again',
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
  },
  /** Redis could not answer and the bounded way to MongoDB is full, paused after failures, or failed. */
  READ_MODEL_UNAVAILABLE: {
    message: 'The read model cannot answer now, try again',
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
  },
} as const satisfies ErrorCatalogue;

export const readerErrors = defineErrors(readerErrorCatalogue);
