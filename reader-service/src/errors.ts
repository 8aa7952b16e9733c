import { commonErrors, defineErrors, type ErrorCatalogue, GrpcStatus } from '@cqrs-products/errors';

/**
 * Every failure the reader names: what its gRPC callers (the gateway) are answered, and the
 * `dlq-error-code` of every event it dead-letters. Codes are public: never rename one. `retryable`
 * says whether the same request or event can succeed later; the Kafka consumer reads it instead of
 * guessing from the error.
 */
export const readerErrorCatalogue = {
  PRODUCT_NOT_FOUND: {
    message: 'Product not found',
    httpStatus: 404,
    grpcStatus: GrpcStatus.NOT_FOUND,
    retryable: false,
  },
  /** Read-your-writes: the version or change asked for is not in the read model within the bound. */
  VERSION_NOT_YET_VISIBLE: {
    message: 'The requested version is not visible yet, try again',
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
    retryable: true,
  },
  /** Redis could not answer and the bounded way to MongoDB is full, paused after failures, or failed. */
  READ_MODEL_UNAVAILABLE: {
    message: 'The read model cannot answer now, try again',
    httpStatus: 503,
    grpcStatus: GrpcStatus.UNAVAILABLE,
    retryable: true,
  },
  // Poison: an event message that fails the same way on every delivery (kafka/product-event.parser.ts).
  UNDECODABLE_EVENT: {
    message: 'The payload is not an encoded event',
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
  INVALID_EVENT: {
    message: 'The event does not match the schema',
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
} as const satisfies ErrorCatalogue;

/** Everything the reader reports: its own codes plus the shared ones (validation, dependency down). */
export const readerCatalogue = { ...commonErrors, ...readerErrorCatalogue } as const satisfies ErrorCatalogue;

export type ReaderErrorCode = keyof typeof readerCatalogue;

/** Ready factories, the only ones the reader uses: `readerErrors.PRODUCT_NOT_FOUND(id)`. */
export const readerErrors = defineErrors(readerCatalogue);
