import type { Collection, IndexDescription } from 'mongodb';
import type { StoredProduct } from '../domain/product.js';
import {
  type BatchSaveResult,
  batchSaver,
  findManyStored,
  findStored,
  type SaveOutcome,
} from './batch-save.js';
import { mongoFailure } from './mongo-failure.js';
import { fromDocument, type ProductDocument } from './product.documents.js';
import type { ActiveCollection } from './read-model-pointer.js';

export type { BatchSaveResult, ProductDocument, SaveOutcome };

export interface FindOptions {
  /** Lets the server abort a lookup that takes longer (a scan on FerretDB). */
  readonly maxTimeMS?: number;
}

export interface ProductRepository {
  ensureIndexes(): Promise<void>;
  /** Writes each product's newest version in the batch if it is newer than the stored one. */
  saveAll(batch: readonly StoredProduct[]): Promise<BatchSaveResult>;
  /** `saveAll` of one. */
  saveIfNewer(stored: StoredProduct): Promise<SaveOutcome>;
  /** The stored document, tombstones included (callers decide what a tombstone means). */
  find(productId: string, options?: FindOptions): Promise<StoredProduct | null>;
  /** The stored documents of these products (one query), tombstones included. */
  findMany(productIds: readonly string[]): Promise<StoredProduct[]>;
  /** Every stored document, a chunk at a time (one scan of the collection). */
  scan(chunkSize: number): AsyncIterable<StoredProduct[]>;
  // No search: SearchProduct is answered from PostgreSQL (postgres/search.repository.ts), as
  // FerretDB uses no index for a filtered query and scanned every document for each search.
}

const productIndexes: (IndexDescription & { name: string })[] = [
  { key: { productId: 1 }, name: 'productId_unique', unique: true },
  // The two below served search when it ran here; kept until scripts/mongo-init.js and deployed
  // databases drop them too (ensureIndexes only adds missing ones).
  { key: { name: 1, description: 1 }, name: 'name_description' },
  { key: { deleted: 1, createdAt: -1, productId: 1 }, name: 'live_newest_first' },
];

export interface RepositoryOptions {
  /**
   * Follows the collection a read-model rebuild pointed the readers at (read-model-pointer.ts);
   * without it, always `collection`.
   */
  readonly follow?: ActiveCollection;
}

/** Creates the product indexes a collection lacks (also for a rebuild's fresh collection). */
export async function ensureProductIndexes(collection: Collection<ProductDocument>): Promise<void> {
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
}

export function createProductRepository(
  collection: Collection<ProductDocument>,
  { follow = async () => collection }: RepositoryOptions = {},
): ProductRepository {
  // One saver per collection: its lock serialises saves of one product within that collection.
  const savers = new Map<string, ReturnType<typeof batchSaver>>();
  const saverOf = (target: Collection<ProductDocument>) => {
    const saver = savers.get(target.collectionName) ?? batchSaver(target);
    savers.set(target.collectionName, saver);
    return saver;
  };
  // The projection's write: MongoDB being down is thrown named (DEPENDENCY_UNAVAILABLE), so the
  // events consumer only reads `retryable`.
  const saveAll = async (batch: readonly StoredProduct[]) => {
    try {
      return await saverOf(await follow())(batch);
    } catch (error) {
      throw mongoFailure(error);
    }
  };

  return {
    ensureIndexes: async () => ensureProductIndexes(await follow()),

    saveAll,
    saveIfNewer: async (stored) => (await saveAll([stored])).outcomes[0] ?? 'stale',

    find: async (productId, options = {}) => findStored(await follow(), productId, options),

    findMany: async (productIds) => findManyStored(await follow(), productIds),

    scan: async function* (chunkSize) {
      let chunk: StoredProduct[] = [];
      for await (const document of (await follow()).find({}, { batchSize: chunkSize })) {
        chunk.push(fromDocument(document));
        if (chunk.length >= chunkSize) {
          yield chunk;
          chunk = [];
        }
      }
      if (chunk.length > 0) yield chunk;
    },
  };
}
