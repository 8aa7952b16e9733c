import type { Collection, ObjectId } from 'mongodb';

/** One cache entry (or, without productId, every entry) that must not be trusted until rewritten. */
export interface CacheRepairDocument {
  _id?: ObjectId;
  productId?: string;
  at: Date;
}

export interface PendingRepairs {
  readonly entryIds: readonly ObjectId[];
  readonly productIds: readonly string[];
  /** Every entry: the log holds an "all" record, or more records than one repair takes. */
  readonly all: boolean;
}

/**
 * The durable side of cache repair. Redis entries have no expiry while they serve as the index,
 * so a failed cache write that only this process remembered would, if it died before repairing,
 * leave an old version in Redis for good. The record is written before the batch's offset is
 * committed (a failure to write it fails the batch, which then comes again), and read at start.
 * A small collection of its own: FerretDB's scans cost per collection, and this one is empty
 * almost always.
 */
export interface CacheRepairLog {
  record(productIds: readonly string[] | 'all'): Promise<void>;
  pending(limit: number): Promise<PendingRepairs>;
  done(entryIds: readonly ObjectId[]): Promise<void>;
}

export function createCacheRepairLog(collection: Collection<CacheRepairDocument>): CacheRepairLog {
  return {
    record: async (productIds) => {
      const at = new Date();
      const documents = productIds === 'all' ? [{ at }] : productIds.map((productId) => ({ productId, at }));
      if (documents.length > 0) await collection.insertMany(documents);
    },

    pending: async (limit) => {
      const documents = await collection
        .find({})
        .limit(limit + 1)
        .toArray();
      const all = documents.length > limit || documents.some((document) => !document.productId);
      // A repair of everything settles every record, however many there are.
      const settled = all ? await collection.find({}, { projection: { _id: 1 } }).toArray() : documents;
      return {
        entryIds: settled.flatMap((document) => document._id ?? []),
        productIds: all ? [] : [...new Set(documents.flatMap((document) => document.productId ?? []))],
        all,
      };
    },

    done: async (entryIds) => {
      if (entryIds.length > 0) await collection.deleteMany({ _id: { $in: [...entryIds] } });
    },
  };
}
