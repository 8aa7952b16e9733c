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
 * Bytes from an event topic -> a validated domain event. Anything that cannot become one is a
 * poison message, thrown as the catalogue's error (not retryable): retrying cannot fix it, so it
 * goes to the DLQ at once, its code and message as the `dlq-error-code` and `dlq-error` headers.
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
  throw readerErrors[poisonCodes[result.failure]](result.message, { cause: result.cause });
}
