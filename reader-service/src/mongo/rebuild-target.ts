import { type Db, MongoBulkWriteError } from 'mongodb';
import type { StoredProduct } from '../domain/product.js';
import type { ProgressStore } from '../rebuild/progress.js';
import { batchSaver, findByIds } from './batch-save.js';
import { fromDocument, type ProductDocument, toDocument } from './product.documents.js';
import { ensureProductIndexes } from './product.repository.js';
import { activeCollectionName, pointTo } from './read-model-pointer.js';
import { createProgressStore } from './rebuild-progress.js';

/** The rebuild's MongoDB side: its progress, the collection the readers follow, the fresh one. */
export interface RebuildStore {
  /** The configured collection name (MONGO_COLLECTION): the pointer and progress live next to it. */
  readonly base: string;
  readonly progress: ProgressStore;
  /** The collection the pointer names now (the configured name before a first rebuild). */
  activeCollection(): Promise<string>;
  /** The collection to rebuild into, with the read model's indexes. */
  open(name: string): Promise<RebuildTarget>;
  /** Points the readers at `name`; they follow within a second. */
  pointTo(name: string): Promise<void>;
  /** Drops a collection; one that is gone already is fine (a resumed cleanup). */
  drop(name: string): Promise<void>;
}

/** The collection being rebuilt. */
export interface RebuildTarget {
  /** Inserts a chunk; a product stored already (a repeated chunk, or an event got there first) is kept. */
  insertAll(chunk: readonly StoredProduct[]): Promise<void>;
  /** Saves with the projection's own version guard: only newer versions replace. */
  saveGuarded(chunk: readonly StoredProduct[]): Promise<unknown>;
  /** Every product and tombstone, read in batches of `chunkSize`. */
  scan(chunkSize: number): AsyncIterable<StoredProduct>;
  findByIds(ids: readonly string[]): Promise<StoredProduct[]>;
}

const duplicateKey = 11000;
const namespaceNotFound = 26;

/** The progress and the pointer live next to the configured collection, `base` (MONGO_COLLECTION). */
export function rebuildStore(database: Db, base: string): RebuildStore {
  return {
    base,
    progress: createProgressStore(database, base),
    activeCollection: () => activeCollectionName(database, base),
    open: async (name) => {
      const collection = database.collection<ProductDocument>(name);
      await ensureProductIndexes(collection);
      return {
        insertAll: async (chunk) => {
          try {
            await collection.insertMany(chunk.map(toDocument), { ordered: false });
          } catch (error) {
            const errors = error instanceof MongoBulkWriteError ? [error.writeErrors].flat() : [];
            const duplicatesOnly = errors.length > 0 && errors.every((e) => e.code === duplicateKey);
            if (!duplicatesOnly) throw error;
          }
        },
        saveGuarded: batchSaver(collection),
        scan: async function* (chunkSize) {
          for await (const document of collection.find({}, { batchSize: chunkSize }))
            yield fromDocument(document);
        },
        findByIds: (ids) => findByIds(collection, ids),
      };
    },
    pointTo: (name) => pointTo(database, base, name),
    drop: async (name) => {
      await database.dropCollection(name).catch((error: { code?: number }) => {
        if (error.code !== namespaceNotFound) throw error;
      });
    },
  };
}
