import { type Collection, Double, type IndexDescription, MongoServerError } from 'mongodb';
import type { Product, StoredProduct } from '../domain/product.js';

/**
 * The MongoDB shape: one document per product, keyed by `_id` = productId (the primary key every
 * MongoDB-wire server indexes, so lookups and the guarded upsert never scan); a tombstone keeps
 * only id, version and deletedAt.
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

const productIndexes: (IndexDescription & { name: string })[] = [
  { key: { productId: 1 }, name: 'productId_unique', unique: true },
  // Text indexes are not portable (FerretDB has none) and cannot do substring matches, which is
  // what search means here; this index serves prefix matches on the name.
  { key: { name: 1, description: 1 }, name: 'name_description' },
  { key: { deleted: 1, createdAt: -1, productId: 1 }, name: 'live_newest_first' },
];
/** Saves of one product run one at a time here; only another reader instance can race one. */
const casAttempts = 5;

export function createProductRepository(collection: Collection<ProductDocument>): ProductRepository {
  const oneAtATime = serializedPerKey();
  const compareAndSwap = async (stored: StoredProduct): Promise<SaveOutcome> => {
    const document = toDocument(stored);
    // Compare-and-swap on (_id, version) with equality filters only: one guarded
    // `replaceOne({_id, version: {$lt: v}}, …, {upsert})` would do in MongoDB, but a range
    // condition makes FerretDB (the native test server) scan the whole collection per event.
    for (let attempt = 1; attempt <= casAttempts; attempt++) {
      const current = await collection.findOne({ _id: document._id }, { projection: { version: 1 } });
      if (current && current.version >= document.version) return 'stale';
      try {
        if (!current) {
          await collection.insertOne(document);
          return 'applied';
        }
        const { matchedCount } = await collection.replaceOne(
          { _id: document._id, version: current.version },
          document,
        );
        if (matchedCount === 1) return 'applied';
      } catch (error) {
        // Another writer inserted this product first: read it again and compare.
        if (!(error instanceof MongoServerError && error.code === duplicateKey)) throw error;
      }
    }
    throw new Error(
      `product ${document._id} kept changing during ${casAttempts} attempts to save version ${document.version}`,
    );
  };

  return {
    ensureIndexes: async () => {
      // Only the missing ones: createIndexes with indexes that already exist is a no-op for
      // MongoDB, but FerretDB 1.x panics on it, which made a restarted reader fail to start.
      const existing = new Set(
        await collection
          .listIndexes()
          .toArray()
          .then(
            (indexes) => indexes.map((index) => String(index.name)),
            // A collection that does not exist yet has no indexes.
            (error: { code?: number }) => (error.code === 26 ? [] : Promise.reject(error)),
          ),
      );
      const missing = productIndexes.filter((index) => !existing.has(index.name));
      if (missing.length > 0) await collection.createIndexes(missing);
    },

    // One save per product at a time in this process. The guard below is a compare-and-swap,
    // atomic on MongoDB, but FerretDB's replaceOne is not: two saves of one product (its events
    // arrive on three topics, handled concurrently) both matched the old version, and a live v2
    // could overwrite the tombstone v3 that committed a moment earlier
    // (product.repository.int.spec.ts reproduces it). Across reader instances MongoDB's own
    // atomicity is what holds.
    saveIfNewer: (stored) => oneAtATime(storedId(stored), () => compareAndSwap(stored)),

    find: async (productId) => {
      const document = await collection.findOne({ _id: productId });
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
    return { _id: productId, productId, version, deleted: true, deletedAt };
  }
  const { price, ...product } = stored.product;
  // A whole-number price would otherwise be stored as an int32; prices are doubles everywhere.
  return { _id: product.productId, ...product, price: new Double(price), deleted: false };
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

const storedId = (stored: StoredProduct): string =>
  stored.kind === 'live' ? stored.product.productId : stored.tombstone.productId;

/** Runs each call after every earlier call with the same key has settled. */
function serializedPerKey() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const result = (tails.get(key) ?? Promise.resolve()).then(work, work);
    const tail = result.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}
