import { isAppError } from '@cqrs-products/errors';
import { MongoError, MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError } from 'mongodb';
import { readerErrors } from '../errors.js';

/** MongoDB is unreachable, or says the write may be retried: the dependency's fault, not the event's. */
export function isMongoUnavailable(error: unknown): boolean {
  return (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    (error instanceof MongoError && error.hasErrorLabel('RetryableWriteError'))
  );
}

/**
 * MongoDB being unreachable as the reader's coded error, DEPENDENCY_UNAVAILABLE (retryable: the
 * events consumer waits it out, never dead-letters), with the driver's error as its cause; any
 * other error is returned as it is. Named here, where MongoDB's errors are known, once.
 */
export function mongoFailure(error: unknown): unknown {
  if (isAppError(error) || !isMongoUnavailable(error)) return error;
  const { message } = error as Error;
  return readerErrors.DEPENDENCY_UNAVAILABLE(message ? `MongoDB: ${message}` : 'MongoDB', { cause: error });
}
