import { z } from 'zod';

/** The steps of a rebuild, in order; a second run continues at the step the first one reached. */
export const phases = ['copy', 'tombstones', 'catch-up', 'switch', 'settle', 'caches', 'cleanup'] as const;
export type Phase = (typeof phases)[number];

/** What a rebuild has done so far; stored by mongo/rebuild-progress.ts, read back through this schema. */
export const progressSchema = z.object({
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
