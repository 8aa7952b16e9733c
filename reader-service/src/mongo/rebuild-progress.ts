import type { Db } from 'mongodb';
import { type ProgressStore, progressSchema } from '../rebuild/progress.js';
import { pointerCollection } from './read-model-pointer.js';

/**
 * The progress lives next to the pointer (one document, written after each chunk), in MongoDB
 * itself: a crash between a chunk's insert and its progress write repeats that chunk, whose
 * inserts are then refused as duplicates (the same versions, or newer ones events wrote).
 */
export function createProgressStore(database: Db, base: string): ProgressStore {
  const documents = pointerCollection(database, base);
  return {
    load: async () => {
      const document = await documents.findOne({ _id: 'rebuild' });
      if (!document) return undefined;
      const { _id, ...fields } = document;
      const parsed = progressSchema.safeParse(fields);
      if (!parsed.success) {
        throw new Error(
          `the rebuild progress in ${documents.collectionName} is unreadable (${parsed.error.issues[0]?.message}); delete the document {_id: 'rebuild'} to start over`,
        );
      }
      return parsed.data;
    },
    save: async (progress) => {
      // Without the unset fields: the driver would store them as null, which load() refuses.
      const fields = Object.fromEntries(Object.entries(progress).filter(([, value]) => value !== undefined));
      await documents.replaceOne({ _id: 'rebuild' }, fields, { upsert: true });
    },
    clear: async () => {
      await documents.deleteOne({ _id: 'rebuild' });
    },
  };
}
