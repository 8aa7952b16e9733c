import type { Collection, Db } from 'mongodb';
import type { ProductDocument } from './product.documents.js';

/**
 * Which collection is the read model. A rebuild fills a fresh collection and then points the
 * readers at it; it cannot rename it over the old one, because FerretDB 1.x refuses
 * `renameCollection` with `dropTarget` ("not implemented yet", code 238), and two plain renames
 * leave a moment without the collection, in which an event's insert would create it again and
 * the second rename would fail. One small document names the active collection instead; without
 * it, the configured name is. The same collection keeps the rebuild's progress (rebuild/).
 */
export interface PointerDocument {
  _id: 'active' | 'rebuild';
  collection?: string;
  [field: string]: unknown;
}

export const pointerCollection = (database: Db, base: string): Collection<PointerDocument> =>
  database.collection<PointerDocument>(`${base}_read_model`);

/** The name of the collection that holds the read model now. */
export async function activeCollectionName(database: Db, base: string): Promise<string> {
  // An aggregate rather than a find: the command metrics then tell these reads (at most one a
  // second, on a collection of two documents) from product lookups, which they count.
  const [pointer] = await pointerCollection(database, base)
    .aggregate<PointerDocument>([{ $match: { _id: 'active' } }, { $limit: 1 }])
    .toArray();
  return pointer?.collection ?? base;
}

export async function pointTo(database: Db, base: string, collection: string): Promise<void> {
  await pointerCollection(database, base).replaceOne({ _id: 'active' }, { collection }, { upsert: true });
}

export type ActiveCollection = () => Promise<Collection<ProductDocument>>;

/**
 * The active collection, re-read at most every `refreshMs` (a find in a collection of two
 * documents, so cheap even on FerretDB). A rebuild waits longer than that after switching
 * before its last catch-up, so every instance has followed by then.
 */
export function followActiveCollection(database: Db, base: string, refreshMs = 1_000): ActiveCollection {
  let current: Collection<ProductDocument> | undefined;
  let readAt = 0;
  let reading: Promise<Collection<ProductDocument>> | undefined;
  const read = async () => {
    const name = await activeCollectionName(database, base);
    if (current?.collectionName !== name) current = database.collection<ProductDocument>(name);
    readAt = Date.now();
    return current;
  };
  return () => {
    if (current && Date.now() - readAt < refreshMs) return Promise.resolve(current);
    reading ??= read().finally(() => {
      reading = undefined;
    });
    return reading;
  };
}
