import { Double } from 'mongodb';
import type { Product, StoredProduct } from '../domain/product.js';

/**
 * The MongoDB shape: one document per product, keyed by `_id` = productId (the primary key every
 * MongoDB-wire server indexes, so inserts stay fast and a duplicate is refused atomically); a
 * tombstone keeps only id, version and deletedAt.
 */
export interface ProductDocument {
  _id: string;
  productId: string;
  version: number;
  deleted: boolean;
  name?: string;
  description?: string;
  price?: number | Double;
  createdAt?: Date;
  updatedAt?: Date;
  deletedAt?: Date;
}

export function toDocument(stored: StoredProduct): ProductDocument {
  if (stored.kind === 'deleted') {
    const { productId, version, deletedAt } = stored.tombstone;
    return { _id: productId, productId, version, deleted: true, deletedAt };
  }
  const { price, ...product } = stored.product;
  // A whole-number price would otherwise be stored as an int32; prices are doubles everywhere.
  return { _id: product.productId, ...product, price: new Double(price), deleted: false };
}

export function fromDocument(document: ProductDocument): StoredProduct {
  if (document.deleted) {
    const { productId, version, deletedAt } = document;
    return { kind: 'deleted', tombstone: { productId, version, deletedAt: deletedAt ?? new Date(0) } };
  }
  return { kind: 'live', product: toProduct(document) };
}

export function toProduct(document: ProductDocument): Product {
  return {
    productId: document.productId,
    name: document.name ?? '',
    description: document.description ?? '',
    price: Number(document.price ?? 0),
    createdAt: document.createdAt ?? new Date(0),
    updatedAt: document.updatedAt ?? new Date(0),
    version: Number(document.version),
  };
}
