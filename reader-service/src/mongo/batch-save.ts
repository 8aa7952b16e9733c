import { type Collection, type Filter, MongoBulkWriteError } from 'mongodb';
import { newestPerProduct, type StoredProduct, storedId, storedVersion } from '../domain/product.js';
import { keyLock } from './key-lock.js';
import { fromDocument, type ProductDocument, toDocument } from './product.documents.js';

export type SaveOutcome = 'applied' | 'stale';

export interface BatchSaveResult {
  /** One per document of the batch, in its order. */
  readonly outcomes: readonly SaveOutcome[];
  /**
   * What MongoDB holds for the products the batch found at the same or a newer version (read
   * only after a duplicate key). A batch redelivered after a crash between MongoDB and Redis
   * finds all its products saved already; these let it write the cache it had not written.
   */
  readonly current: readonly StoredProduct[];
}

interface Pending {
  readonly position: number;
  readonly document: ProductDocument;
}

const duplicateKey = 11000;
/**
 * FerretDB answers a statement on one `_id` from SQLite without decoding every document (a
 * `deleteOne({_id, version})` 0.4-0.7 s, a `findOne({_id})` hit 20 ms, at 100k products), but any
 * filter on several ids decodes them all (3.5-6 s): up to this many products, one statement each
 * (still one round trip) is cheaper.
 */
const perIdUpTo = 4;
/** Saves of one product run one at a time here; only another reader instance can race one. */
const casAttempts = 5;

/**
 * Saves a batch of documents with the version guard, in as few statements as FerretDB allows.
 * FerretDB 1.x uses no index for filtered statements (one on a single `_id` still scans SQLite,
 * 0.3-0.7 s at 100k products; one on several ids decodes every document, 3.5-6 s), while inserts
 * use the unique `_id` index (500 in 25-85 ms). The per-event findOne + replaceOne this replaces
 * cost 1-2 scans per event.
 *
 * - Version 1 (a create): inserted, no read first. Nothing is older than version 1 and an insert
 *   never overwrites, so a duplicate key means the product is already stored at version >= 1:
 *   the event is stale. No lock either: an insert cannot undo another save.
 * - Newer versions (updates, deletes): one delete of the batch's stored documents that are older
 *   than their new version, then one `insertMany` of the new versions; no read first. One scan per
 *   batch instead of 1-2 per event (500 updates at 100k products: 6.5 s instead of ~450 s). A
 *   duplicate key then means the stored version was not older (stale), unless another reader
 *   instance inserted between our two statements: the refused ones are read back (one `find`) and
 *   retried while still older. Between the two statements a product is absent from the
 *   collection, so its new version is first written to a small side collection (`rewritesOf`)
 *   and removed from it once the insert is done: a MongoDB read (Redis down, a key awaiting
 *   repair) that finds no document looks there too (`findStored`), and never answers NOT_FOUND
 *   for a product that is only being rewritten. A crash in between loses nothing: the offset is
 *   not committed, so the batch comes again, finds nothing newer and inserts.
 *
 * The same statements are correct on MongoDB, whose delete re-checks the filter per document
 * atomically. FerretDB's delete is not atomic per document: it could remove a version another
 * save of ours inserted after its scan, so newer versions of one product are saved one batch at a
 * time in this process (`keyLock`); across reader instances MongoDB's atomicity is what holds.
 */
export function batchSaver(collection: Collection<ProductDocument>) {
  const oneAtATime = keyLock();
  const rewrites = rewritesOf(collection);
  /**
   * Another writer of the same collection (a second instance during a rebalance, a rebuild's
   * catch-up beside the live readers) may have its own rewrite of a product there: that one
   * covers the gap as well, so a duplicate key is not a failure here.
   */
  const insertRewrites = async (documents: ProductDocument[]): Promise<void> => {
    try {
      await rewrites.insertMany(documents, { ordered: false });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = [error.writeErrors].flat();
      if (writeErrors.length === 0 || writeErrors.some((e) => e.code !== duplicateKey)) throw error;
    }
  };

  /** Inserts every document; returns those refused because their product is stored already. */
  const insertAll = async (pending: readonly Pending[]): Promise<Pending[]> => {
    if (pending.length === 0) return [];
    try {
      await collection.insertMany(
        pending.map((p) => p.document),
        { ordered: false },
      );
      return [];
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = [error.writeErrors].flat();
      if (writeErrors.length === 0 || writeErrors.some((e) => e.code !== duplicateKey)) throw error;
      return writeErrors.map((e) => pending[e.index] as Pending);
    }
  };

  const readStored = async (pending: readonly Pending[]): Promise<Map<string, StoredProduct>> => {
    const stored = await findByIds(
      collection,
      pending.map((p) => p.document._id),
    );
    return new Map(stored.map((s) => [storedId(s), s]));
  };

  /** Deletes the stored documents of the batch that are older than its new versions. */
  const deleteOlder = async (pending: readonly Pending[]): Promise<void> => {
    if (pending.length <= perIdUpTo) {
      await collection.bulkWrite(
        pending.map(({ document }) => ({
          deleteOne: { filter: { _id: document._id, version: { $lt: document.version } } },
        })),
        { ordered: false },
      );
      return;
    }
    // `$or` alone would make FerretDB evaluate every branch for every document of the collection
    // (137 s for 500 branches at 100k); behind the `$in` only for the batch's own (4 s, one scan).
    const filter: Filter<ProductDocument> = {
      _id: { $in: pending.map((p) => p.document._id) },
      $or: pending.map(({ document }) => ({ _id: document._id, version: { $lt: document.version } })),
    };
    await collection.deleteMany(filter);
  };

  return async (batch: readonly StoredProduct[]): Promise<BatchSaveResult> => {
    const outcomes: SaveOutcome[] = batch.map(() => 'stale');
    const current: StoredProduct[] = [];
    const newest = newestPerProduct(batch).map((position) => ({
      position,
      document: toDocument(batch[position] as StoredProduct),
    }));

    const creates = newest.filter((p) => p.document.version === 1);
    const refusedCreates = new Set(await insertAll(creates));
    for (const p of creates) if (!refusedCreates.has(p)) outcomes[p.position] = 'applied';
    if (refusedCreates.size > 0) current.push(...(await readStored([...refusedCreates])).values());

    let pending = newest.filter((p) => p.document.version > 1);
    if (pending.length === 0) return { outcomes, current };
    const rewritten = { _id: { $in: pending.map((p) => p.document._id) } };
    await oneAtATime(
      pending.map((p) => p.document._id),
      async () => {
        // Leftovers of a batch that died before its clean-up go first (a leftover is never newer).
        await rewrites.deleteMany(rewritten);
        await insertRewrites(pending.map((p) => p.document));
        try {
          await saveNewer();
        } finally {
          await rewrites.deleteMany(rewritten);
        }
      },
    );
    return { outcomes, current };

    async function saveNewer(): Promise<void> {
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > casAttempts) {
          throw new Error(`${pending.length} products kept changing during ${casAttempts} attempts to save`);
        }
        await deleteOlder(pending);
        const refused = await insertAll(pending);
        const refusedSet = new Set(refused);
        for (const p of pending) if (!refusedSet.has(p)) outcomes[p.position] = 'applied';
        if (refused.length === 0) return;
        const stored = await readStored(refused);
        pending = refused.filter((p) => {
          const now = stored.get(p.document._id);
          if (now && storedVersion(now) >= p.document.version) current.push(now);
          return !now || storedVersion(now) < p.document.version;
        });
      }
    }
  };
}

/** Where an update batch keeps the versions it is writing while their documents are rewritten. */
export const rewritesOf = (collection: Collection<ProductDocument>): Collection<ProductDocument> =>
  collection.db.collection<ProductDocument>(`${collection.collectionName}_rewrites`);

/**
 * A product's stored document, tombstones included, also while an update batch rewrites it: an
 * absent document is looked up in the rewrites, then once more in both, because the rewrite may
 * have finished between the two first looks (the document is back, the rewrite entry gone). Only
 * a product that is absent from all four looks is answered as absent: NOT_FOUND costs two
 * lookups of the collection (scans on FerretDB), a found product one.
 */
export async function findStored(
  collection: Collection<ProductDocument>,
  productId: string,
  options: { maxTimeMS?: number } = {},
): Promise<StoredProduct | null> {
  const rewrites = rewritesOf(collection);
  for (let look = 0; look < 2; look++) {
    const document =
      (await collection.findOne({ _id: productId }, options)) ??
      (await rewrites.findOne({ _id: productId }, options));
    if (document) return fromDocument(document);
  }
  return null;
}

/** `findByIds`, also for products whose documents an update batch is rewriting (see findStored). */
export async function findManyStored(
  collection: Collection<ProductDocument>,
  productIds: readonly string[],
): Promise<StoredProduct[]> {
  const found = new Map<string, StoredProduct>();
  const missing = () => productIds.filter((id) => !found.has(id));
  for (let look = 0; look < 2 && missing().length > 0; look++) {
    for (const stored of await findByIds(collection, missing())) found.set(storedId(stored), stored);
    if (missing().length === 0) break;
    for (const stored of await findByIds(rewritesOf(collection), missing()))
      found.set(storedId(stored), stored);
  }
  return [...found.values()];
}

/** The stored documents of these products, tombstones included, in as cheap a way as FerretDB allows. */
export async function findByIds(
  collection: Collection<ProductDocument>,
  productIds: readonly string[],
): Promise<StoredProduct[]> {
  if (productIds.length <= perIdUpTo) {
    const found = await Promise.all(productIds.map((_id) => collection.findOne({ _id })));
    return found.flatMap((document) => (document ? [fromDocument(document)] : []));
  }
  const documents = await collection.find({ _id: { $in: [...productIds] } }).toArray();
  return documents.map(fromDocument);
}
