import { z } from 'zod';
import type { Product__Output as WireProduct } from './generated/products/Product.js';
import { productFields } from './product-schema.js';
import { fromTimestamp, toTimestamp } from './timestamp.js';
import type { EventKind } from './topics.js';

export type { WireProduct };

/** A product as the services hold it in memory: the writer's write model, the reader's read model. */
export interface Product {
  readonly productId: string;
  readonly name: string;
  readonly description: string;
  readonly price: number;
  /** 1 on create, +1 on every committed change; readers order and deduplicate by it. */
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * What happened to a product, as the writer commits it and the reader applies it; named as the
 * Kafka messages that carry them (kafkaMessages.ProductCreated, ...).
 */
export type ProductEvent =
  | { readonly type: 'ProductCreated'; readonly product: Product }
  | { readonly type: 'ProductUpdated'; readonly product: Product }
  | {
      readonly type: 'ProductDeleted';
      readonly productId: string;
      /** The last version + 1, so a stale update arriving later cannot resurrect the product. */
      readonly version: number;
      readonly deletedAt: Date;
    };

/** The events of each event topic: their type is the name of the Kafka message that carries them. */
export const eventTypes = {
  created: 'ProductCreated',
  updated: 'ProductUpdated',
  deleted: 'ProductDeleted',
} as const satisfies Record<EventKind, ProductEvent['type']>;

/** The topic kind of each event type (eventTypes the other way round). */
export const eventKinds = {
  ProductCreated: 'created',
  ProductUpdated: 'updated',
  ProductDeleted: 'deleted',
} as const satisfies { [T in keyof typeof eventTypes as (typeof eventTypes)[T]]: T };

/** The version a product is at after the event: the order and deduplication key of receivers. */
export const eventVersion = (event: ProductEvent): number =>
  event.type === 'ProductDeleted' ? event.version : event.product.version;

/**
 * products.Product (proto/product.proto), the one wire form that events and both gRPC APIs carry;
 * every product leaves with its version so receivers can tell how fresh it is.
 */
export const toWireProduct = (product: Product) => ({
  ProductID: product.productId,
  Name: product.name,
  Description: product.description,
  Price: product.price,
  CreatedAt: toTimestamp(product.createdAt),
  UpdatedAt: toTimestamp(product.updatedAt),
  Version: product.version,
});

export const wireTimestamp = z.object(
  { seconds: z.number().int(), nanos: z.number().int().min(0).max(999_999_999) },
  { error: 'is required' },
);

/** A version as committed by the writer: changes start at 1. */
export const wireVersion = z.number().int().min(1, 'must be at least 1');

/*
 * A received product is checked for what keys and orders it (id, version, timestamps, a finite
 * price), not re-judged by content rules such as name length: the writer committed the change,
 * and a receiver's job is to mirror it, not to veto it.
 */
export const wireProductSchema = z.object(
  {
    ProductID: productFields.productId,
    Name: z.string(),
    Description: z.string(),
    Price: z.number().refine(Number.isFinite, 'must be a finite number'),
    CreatedAt: wireTimestamp,
    UpdatedAt: wireTimestamp,
    Version: wireVersion,
  },
  { error: 'is required' },
);

export const fromWireProduct = (p: z.infer<typeof wireProductSchema>): Product => ({
  productId: p.ProductID,
  name: p.Name,
  description: p.Description,
  price: p.Price,
  createdAt: fromTimestamp(p.CreatedAt),
  updatedAt: fromTimestamp(p.UpdatedAt),
  version: p.Version,
});

/**
 * What a client may ask for, in wire field names: the create and update requests of either gRPC
 * API and the ProductCreate/ProductUpdate commands on Kafka obey the same rules as HTTP bodies.
 */
export const wireRequestSchemas = {
  change: z.object({
    ProductID: productFields.productId,
    Name: productFields.name,
    Description: productFields.description,
    Price: productFields.price,
  }),
  byId: z.object({ ProductID: productFields.productId }),
};
export type WireProductChange = z.infer<typeof wireRequestSchemas.change>;

/** The fields of a create or update, from wire names to ours. */
export const fromWireChange = (change: WireProductChange) => ({
  productId: change.ProductID,
  name: change.Name,
  description: change.Description,
  price: change.Price,
});

/** Ends an exhaustive switch: a new message kind fails to compile until it is handled. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
