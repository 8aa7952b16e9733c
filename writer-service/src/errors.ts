import { commonErrors, defineErrors, type ErrorCatalogue, GrpcStatus } from '@cqrs-products/errors';

/**
 * Every failure the writer names: what its gRPC callers are answered, and the `dlq-error-code` of
 * every command it dead-letters. Codes are public (clients, DLQ tooling): never rename one.
 * `retryable` says whether the same command can succeed later; the Kafka consumer reads it instead
 * of guessing from the error.
 */
export const writerErrorCatalogue = {
  PRODUCT_NOT_FOUND: {
    message: 'Product not found',
    httpStatus: 404,
    grpcStatus: GrpcStatus.NOT_FOUND,
    retryable: false,
  },
  PRODUCT_ALREADY_EXISTS: {
    message: 'Product already exists',
    httpStatus: 409,
    grpcStatus: GrpcStatus.ALREADY_EXISTS,
    retryable: false,
  },
  // Poison: a command message that fails the same way on every delivery (kafka/command-message.ts).
  UNKNOWN_TOPIC: {
    message: 'No command is read from this topic',
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
  INVALID_MESSAGE_ID: {
    // Without a stable id a redelivery could not be recognised, so it would be applied twice.
    message: 'The message-id header must be a UUID',
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
  UNDECODABLE_PAYLOAD: {
    message: 'The payload is not an encoded command',
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
  INVALID_COMMAND: {
    message: 'The command does not match the schema',
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
  KEY_MISMATCH: {
    message: 'The message key is not the product id',
    httpStatus: 400,
    grpcStatus: GrpcStatus.INVALID_ARGUMENT,
    retryable: false,
  },
} as const satisfies ErrorCatalogue;

/** Everything the writer reports: its own codes plus the shared ones (validation, dependency down). */
export const writerCatalogue = { ...commonErrors, ...writerErrorCatalogue } as const satisfies ErrorCatalogue;

export type WriterErrorCode = keyof typeof writerCatalogue;

/** Ready factories, the only ones the writer uses: `writerErrors.PRODUCT_NOT_FOUND(id)`. */
export const writerErrors = defineErrors(writerCatalogue);
