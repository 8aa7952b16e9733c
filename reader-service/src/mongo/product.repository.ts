import { type Collection, Double, MongoServerError } from 'mongodb';
import type { Product, StoredProduct } from '../domain/product.js';

/** The MongoDB shape: one document per productId; a tombstone keeps only id, version and deletedAt. */
export interface ProductDocument {
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

export type SaveOutcome = 'applied' | 'stale';

export interface SearchQuery {
  /** An escaped pattern (never raw user text); empty matches everything. */
  readonly pattern: string;
  readonly skip: number;
  readonly limit: number;
}

export interface ProductRepository {
  ensureIndexes(): Promise<void>;
  /** Writes the document only if its version is newer than the stored one. */
  saveIfNewer(stored: StoredProduct): Promise<SaveOutcome>;
  /** The stored document, tombstones included (callers decide what a tombstone means). */
  find(productId: string): Promise<StoredProduct | null>;
  /** Live products only, newest first; productId breaks ties so pages never overlap. */
  search(query: SearchQuery): Promise<{ totalCount: number; products: Product[] }>;
}

const duplicateKey = 11000;

export function createProductRepository(collection: Collection<ProductDocument>): ProductRepository {
  return {
    ensureIndexes: async () => {
      await collection.createIndexes([
        { key: { productId: 1 }, name: 'productId_unique', unique: true },
        // Text indexes are not portable (FerretDB has none) and cannot do substring matches,
        // which is what search means here; this index serves prefix matches on the name.
        { key: { name: 1, description: 1 }, name: 'name_description' },
        { key: { deleted: 1, createdAt: -1, productId: 1 }, name: 'live_newest_first' },
      ]);
    },

    saveIfNewer: async (stored) => {
      const document = toDocument(stored);
      try {
        // The filter only matches an older version. When the stored version is the same or
        // newer, the filter misses, the upsert tries to insert a second document for this
        // productId and the unique index refuses it: that refusal means "stale, nothing to do".
        await collection.replaceOne(
          { productId: document.productId, version: { $lt: document.version } },
          document,
          { upsert: true },
        );
        return 'applied';
      } catch (error) {
        if (error instanceof MongoServerError && error.code === duplicateKey) return 'stale';
        throw error;
      }
    },

    find: async (productId) => {
      const document = await collection.findOne({ productId }, { projection: { _id: 0 } });
      return document ? fromDocument(document) : null;
    },

    search: async ({ pattern, skip, limit }) => {
      const matches = pattern
        ? {
            $or: [
              { name: { $regex: pattern, $options: 'i' } },
              { description: { $regex: pattern, $options: 'i' } },
            ],
          }
        : {};
      const filter = { deleted: false, ...matches };
      // Two queries rather than one $facet aggregation: FerretDB (the native test server) has no
      // $facet. The count and the page may disagree by a concurrent change; both are eventual anyway.
      const [totalCount, documents] = await Promise.all([
        collection.countDocuments(filter),
        collection
          .find(filter, { projection: { _id: 0 } })
          .sort({ createdAt: -1, productId: 1 })
          .skip(skip)
          .limit(limit)
          .toArray(),
      ]);
      return { totalCount, products: documents.map(toProduct) };
    },
  };
}

function toDocument(stored: StoredProduct): ProductDocument {
  if (stored.kind === 'deleted') {
    const { productId, version, deletedAt } = stored.tombstone;
    return { productId, version, deleted: true, deletedAt };
  }
  const { price, ...product } = stored.product;
  // A whole-number price would otherwise be stored as an int32; prices are doubles everywhere.
  return { ...product, price: new Double(price), deleted: false };
}

function fromDocument(document: ProductDocument): StoredProduct {
  if (document.deleted) {
    const { productId, version, deletedAt } = document;
    return { kind: 'deleted', tombstone: { productId, version, deletedAt: deletedAt ?? new Date(0) } };
  }
  return { kind: 'live', product: toProduct(document) };
}

function toProduct(document: ProductDocument): Product {
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
