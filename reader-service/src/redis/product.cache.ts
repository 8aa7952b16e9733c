import { type StoredProduct, storedId } from '../domain/product.js';
import { type CacheEntries, createCacheStore } from './cache-store.js';
import type { CacheLookup, ProductCache, ProductCacheOptions } from './product-cache-types.js';
import { createWriteMarks, type WriteMarks } from './write-marks.js';

export type {
  CacheLog,
  CacheLookup,
  IndexJudge,
  IndexTrust,
  ProductCache,
  ProductCacheOptions,
  RepairSource,
} from './product-cache-types.js';
export type { WriteMarks } from './write-marks.js';

const unknown: CacheLookup = { kind: 'unknown' };
const writing: CacheLookup = { kind: 'writing' };
const absent: CacheLookup = { kind: 'absent' };

/** Up to this many keys are repaired by id (one `$in` query); more cost one full scan anyway. */
const repairByIdLimit = 500;

/**
 * Read-through cache for GetProductById and, with an `index`, the complete by-id index of the
 * read model: every applied event writes its product's state, so a miss under a complete marker
 * is an answer. Redis failures never fail a read (it falls back to MongoDB) nor an event.
 *
 * A change that could not be written to Redis (Redis down or slow) would leave the old version
 * there. Such keys are remembered (in memory and in the repair log): reads bypass Redis for them
 * and a timer rewrites them from MongoDB once Redis answers again. Every other instance leaves
 * them alone too while the batch's write mark holds (write-marks.ts), which only the rewrite ends.
 */
export function createProductCache(options: ProductCacheOptions): ProductCache {
  const { ttlSeconds, log, index, source, repairLog } = options;
  const store = createCacheStore(options.redis, options.keyPrefix, options.metrics?.db);
  const maxRepairKeys = options.maxRepairKeys ?? 10_000;
  const marks = createWriteMarks({
    redis: options.redis,
    keyPrefix: options.keyPrefix,
    store,
    writeMarkMs: options.writeMarkMs ?? 60_000,
    freshConnectTimeoutMs: options.freshConnectTimeoutMs ?? 500,
  });
  // Each mark has a generation, so a repair clears only the marks made before it read MongoDB.
  const needRepair = new Map<string, number>();
  let generation = 0;
  let allSince: number | undefined;
  let repairTimer: NodeJS.Timeout | undefined;
  let repairing = false;
  const count = (result: string, n = 1) => options.metrics?.lookups.inc({ result }, n);
  const bypass = (productId: string) => allSince !== undefined || needRepair.has(productId);

  const report = () => {
    options.metrics?.repairPending.set({ scope: 'keys' }, needRepair.size);
    options.metrics?.repairPending.set({ scope: 'all' }, allSince === undefined ? 0 : 1);
  };

  /** Returns whether every entry now awaits repair. */
  const markForRepair = (productIds: readonly string[] | 'all'): boolean => {
    generation++;
    if (
      allSince !== undefined ||
      productIds === 'all' ||
      needRepair.size + productIds.length > maxRepairKeys
    ) {
      allSince = generation;
    } else {
      for (const productId of productIds) needRepair.set(productId, generation);
    }
    report();
    scheduleRepair();
    return allSince !== undefined;
  };

  const rewrite = async (batch: readonly StoredProduct[]): Promise<void> => {
    const failed = await store.write(batch, ttlSeconds, marks.own(batch));
    if (failed.length > 0) throw new Error(`${failed.length} cache entries could not be rewritten`);
  };

  const repairRound = async (): Promise<void> => {
    // Reading MongoDB first would cost a scan per round for as long as Redis is down.
    await options.redis.ping();
    const upTo = generation;
    const logged = repairLog
      ? await repairLog.pending(repairByIdLimit)
      : { entryIds: [], productIds: [], all: false };
    const ids = [...new Set([...needRepair.keys(), ...logged.productIds])];
    const all = allSince !== undefined || logged.all || ids.length > repairByIdLimit;
    if (source && all) {
      for await (const chunk of source.scan(1_000)) await rewrite(chunk);
    } else if (source) {
      const found = await source.findMany(ids);
      await rewrite(found);
      const stored = new Set(found.map(storedId));
      await store.remove(ids.filter((id) => !stored.has(id)));
    } else if (all) {
      await store.removeAll();
    } else {
      await store.remove(ids);
    }
    await repairLog?.done(logged.entryIds);
    for (const [productId, marked] of needRepair) if (marked <= upTo) needRepair.delete(productId);
    if (allSince !== undefined && allSince <= upTo) allSince = undefined;
    report();
  };

  const repair = async (): Promise<void> => {
    repairTimer = undefined;
    if (repairing) return;
    repairing = true;
    try {
      await repairRound();
    } catch (error) {
      log.warn({ err: error, pending: needRepair.size, all: allSince !== undefined }, 'cache repair failed');
    } finally {
      repairing = false;
      if (needRepair.size > 0 || allSince !== undefined) scheduleRepair();
    }
  };
  const scheduleRepair = (): void => {
    repairTimer ??= setTimeout(() => void repair(), options.repairIntervalMs ?? 1_000);
  };

  /** What Redis' answer for one product is worth, judged by the marker read with it. */
  const judge = (stored: StoredProduct | undefined, marked: boolean, marker: string | null): CacheLookup => {
    const trust = index ? index.trust(marker) : 'partial';
    if (trust === 'none') {
      count('untrusted');
      return unknown;
    }
    if (marked) {
      count('writing');
      return writing;
    }
    if (stored) {
      count('hit');
      return { kind: 'hit', stored };
    }
    count(trust === 'complete' ? 'absent' : 'miss');
    return trust === 'complete' ? absent : unknown;
  };

  const lookupMany = async (productIds: readonly string[]): Promise<CacheLookup[]> => {
    const bypassed = productIds.map(bypass);
    const asked = productIds.filter((_, i) => !bypassed[i]);
    if (asked.length < productIds.length) count('bypass', productIds.length - asked.length);
    let entries: CacheEntries | undefined;
    if (asked.length > 0) {
      try {
        entries = await store.readMany(asked);
      } catch (error) {
        count('error', asked.length);
        log.warn({ err: error, products: asked.length }, 'cache read failed, reading MongoDB');
      }
    }
    let next = 0;
    return productIds.map((_, i) => {
      if (bypassed[i]) return unknown;
      const at = next++;
      return entries ? judge(entries.stored[at], entries.writing[at] ?? false, entries.marker) : unknown;
    });
  };

  const rememberAll = async (batch: readonly StoredProduct[], leaving?: WriteMarks): Promise<void> => {
    const failed = await marks.write(batch, ttlSeconds, marks.own(batch, leaving));
    if (failed.length === 0) return;
    // Whether the writes happened is unknown; the entries must not be trusted until rewritten.
    log.warn({ products: failed.length }, 'cache write failed, entries scheduled for repair');
    const all = markForRepair(failed);
    await repairLog?.record(all ? 'all' : failed);
  };

  const lookup = async (productId: string) => (await lookupMany([productId]))[0] ?? unknown;

  return {
    lookup,
    lookupMany,
    markWriting: marks.mark,
    get: async (productId) => {
      const found = await lookup(productId);
      return found.kind === 'hit' ? found.stored : undefined;
    },
    rememberAll,
    remember: (stored) =>
      rememberAll([stored]).catch((error: unknown) => log.warn({ err: error }, 'cache repair not recorded')),
    fill: async (stored) => {
      await store.write([stored], ttlSeconds);
    },
    recover: async () => {
      const logged = await repairLog?.pending(maxRepairKeys);
      if (logged && (logged.all || logged.productIds.length > 0)) {
        markForRepair(logged.all ? 'all' : logged.productIds);
      }
    },
    close: () => {
      if (repairTimer) clearTimeout(repairTimer);
      repairTimer = undefined;
    },
  };
}
