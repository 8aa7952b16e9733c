import type { Db } from 'mongodb';
import { z } from 'zod';
import { pointerCollection } from '../mongo/read-model-pointer.js';

/** The steps of a rebuild, in order; a second run continues at the step the first one reached. */
export const phases = ['copy', 'tombstones', 'catch-up', 'switch', 'settle', 'caches', 'cleanup'] as const;
export type Phase = (typeof phases)[number];

const progressSchema = z.object({
  phase: z.enum(phases),
  /** The fresh collection being filled. */
  target: z.string().min(1),
  /** The collection that was active when the rebuild started (dropped at the end). */
  previous: z.string().min(1),
  /** The last product id copied in the current phase (keyset position). */
  after: z.string().optional(),
  /** PostgreSQL's clock when the copy started and when the first catch-up started. */
  copyStartedAt: z.date(),
  catchUpStartedAt: z.date().optional(),
  copied: z.number().int().min(0).default(0),
});
export type Progress = z.infer<typeof progressSchema>;

export interface ProgressStore {
  load(): Promise<Progress | undefined>;
  save(progress: Progress): Promise<void>;
  clear(): Promise<void>;
}

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
