import type { CacheLookup, ProductCache } from './redis/product.cache.js';

export interface WritingWaitOptions {
  readonly cache: Pick<ProductCache, 'lookupMany'>;
  /** How long a read waits for a write in flight before it asks MongoDB instead. */
  readonly maxWaitMs?: number;
  /** How often the products waited for are looked up again, all in one Redis round trip. */
  readonly pollMs?: number;
}

const unknown: CacheLookup = { kind: 'unknown' };

/**
 * Waits out a write in flight: a product some instance is writing (its write mark is in Redis,
 * write-marks.ts) is looked up again every few ms until the batch's cache write has removed the
 * mark, and answered from Redis then. Only a mark that outlasts `maxWaitMs` (a writer that died
 * holding it, a cache write that failed and awaits repair) sends the read to MongoDB.
 *
 * Why not MongoDB at once: on FerretDB every lookup there scans the collection (hundreds of ms at
 * 100k products), and the products being written are exactly the ones clients poll right after a
 * create: under load the bench's GETs of fresh creates became scans that competed with the
 * projection they waited for (FerretDB CPU per 1000 creates at 1000/s: 0.34 with a MongoDB read
 * per such GET, 0.19 waiting, in one A/B). The reads waiting at one moment share their lookups:
 * one `lookupMany` a tick.
 */
export function createWritingWait({ cache, maxWaitMs = 300, pollMs = 5 }: WritingWaitOptions) {
  const waiting = new Map<
    string,
    { readonly until: number; readonly settle: ((c: CacheLookup) => void)[] }
  >();
  let scheduled = false;

  const tick = async (): Promise<void> => {
    const ids = [...waiting.keys()];
    const answers = await cache.lookupMany(ids).catch(() => ids.map(() => unknown));
    const now = Date.now();
    ids.forEach((id, i) => {
      const wait = waiting.get(id);
      const answer = answers[i] ?? unknown;
      if (!wait || (answer.kind === 'writing' && now < wait.until)) return;
      waiting.delete(id);
      for (const settle of wait.settle) settle(answer.kind === 'writing' ? unknown : answer);
    });
  };

  const schedule = (): void => {
    if (scheduled || waiting.size === 0) return;
    scheduled = true;
    setTimeout(() => {
      void tick().finally(() => {
        scheduled = false;
        schedule();
      });
    }, pollMs).unref();
  };

  /** The product's lookup once no instance is writing it (`unknown`: ask MongoDB). */
  return (productId: string): Promise<CacheLookup> =>
    new Promise((resolve) => {
      const wait = waiting.get(productId);
      if (wait) wait.settle.push(resolve);
      else waiting.set(productId, { until: Date.now() + maxWaitMs, settle: [resolve] });
      schedule();
    });
}
