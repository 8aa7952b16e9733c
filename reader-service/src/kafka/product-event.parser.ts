import { decodeMessage, type EventKind, fromTimestamp, productFields } from '@cqrs-products/contracts';
import { PoisonMessageError } from '@cqrs-products/kafka';
import { z } from 'zod';
import type { ProductEvent } from '../domain/product.js';

const messageTypes = {
  created: 'ProductCreated',
  updated: 'ProductUpdated',
  deleted: 'ProductDeleted',
} as const satisfies Record<EventKind, ProductEvent['type']>;

const timestamp = z.object(
  { seconds: z.number().int(), nanos: z.number().int().min(0).max(999_999_999) },
  { error: 'is required' },
);
const version = z.number().int().min(1, 'must be at least 1');

/*
 * The reader checks what it needs to key and order an event (id, version, timestamps, a finite
 * price) but does not re-judge content rules such as name length: the writer committed the
 * change, and the read model's job is to mirror it, not to veto it.
 */
const productSchema = z.object(
  {
    ProductID: productFields.productId,
    Name: z.string(),
    Description: z.string(),
    Price: z.number().refine(Number.isFinite, 'must be a finite number'),
    CreatedAt: timestamp,
    UpdatedAt: timestamp,
    Version: version,
  },
  { error: 'is required' },
);
const changedSchema = z.object({ Product: productSchema });
const deletedSchema = z.object({
  ProductID: productFields.productId,
  Version: version,
  DeletedAt: timestamp,
});

/**
 * Bytes from an event topic -> a validated domain event. Anything that cannot become one is a
 * poison message (PoisonMessageError): retrying cannot fix it, so it goes to the DLQ at once.
 */
export function parseProductEvent(kind: EventKind, bytes: Buffer | null): ProductEvent {
  const type = messageTypes[kind];
  let decoded: unknown;
  try {
    decoded = decodeMessage(type, bytes ?? Buffer.alloc(0));
  } catch (error) {
    throw new PoisonMessageError(`cannot decode ${type}: ${(error as Error).message}`, 'UNDECODABLE_EVENT', {
      cause: error,
    });
  }

  if (type === 'ProductDeleted') {
    const event = validate(type, deletedSchema, decoded);
    return {
      type,
      productId: event.ProductID,
      version: event.Version,
      deletedAt: fromTimestamp(event.DeletedAt),
    };
  }
  const { Product: p } = validate(type, changedSchema, decoded);
  return {
    type,
    product: {
      productId: p.ProductID,
      name: p.Name,
      description: p.Description,
      price: p.Price,
      createdAt: fromTimestamp(p.CreatedAt),
      updatedAt: fromTimestamp(p.UpdatedAt),
      version: p.Version,
    },
  };
}

function validate<S extends z.ZodType>(type: string, schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new PoisonMessageError(`invalid ${type}: ${issues}`, 'INVALID_EVENT');
}
