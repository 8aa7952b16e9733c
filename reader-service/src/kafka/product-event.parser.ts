import {
  decodeWire,
  type EventKind,
  eventTypes,
  fromTimestamp,
  fromWireProduct,
  productFields,
  wireProductSchema,
  wireTimestamp,
  wireVersion,
} from '@cqrs-products/contracts';
import type { AppError } from '@cqrs-products/errors';
import { PoisonMessageError } from '@cqrs-products/kafka';
import { z } from 'zod';
import type { ProductEvent } from '../domain/product.js';
import { type ReaderErrorCode, readerErrors } from '../errors.js';

const changedSchema = z.object({ Product: wireProductSchema });
const deletedSchema = z.object({
  ProductID: productFields.productId,
  Version: wireVersion,
  DeletedAt: wireTimestamp,
});

/** The catalogue's poison codes (errors.ts) by decoding failure; the `dlq-error-code` header. */
const poisonCodes = {
  undecodable: 'UNDECODABLE_EVENT',
  invalid: 'INVALID_EVENT',
} as const satisfies Record<string, ReaderErrorCode>;

/**
 * A catalogue error as the Kafka runner's poison marker (dead-lettered at once, never retried):
 * its code and message become the `dlq-error-code` and `dlq-error` headers.
 */
const poison = (error: AppError): PoisonMessageError =>
  new PoisonMessageError(error.message, error.code, { cause: error });

/**
 * Bytes from an event topic -> a validated domain event. Anything that cannot become one is a
 * poison message (PoisonMessageError): retrying cannot fix it, so it goes to the DLQ at once.
 */
export function parseProductEvent(kind: EventKind, bytes: Buffer | null): ProductEvent {
  const type = eventTypes[kind];
  if (type === 'ProductDeleted') {
    const event = decoded(type, bytes, deletedSchema);
    return {
      type,
      productId: event.ProductID,
      version: event.Version,
      deletedAt: fromTimestamp(event.DeletedAt),
    };
  }
  return { type, product: fromWireProduct(decoded(type, bytes, changedSchema).Product) };
}

function decoded<S extends z.ZodType>(
  type: ProductEvent['type'],
  bytes: Buffer | null,
  schema: S,
): z.infer<S> {
  const result = decodeWire(type, bytes, schema);
  if (result.ok) return result.value;
  throw poison(readerErrors[poisonCodes[result.failure]](result.message, { cause: result.cause }));
}
