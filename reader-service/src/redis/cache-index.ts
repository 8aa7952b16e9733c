import { randomUUID } from 'node:crypto';
import type { Counter } from '@cqrs-products/metrics';
import type { Redis } from 'ioredis';
import type { StoredProduct } from '../domain/product.js';
import type { CacheRepairLog, PendingRepairs } from '../mongo/cache-repair.repository.js';
import { createCacheStore } from './cache-store.js';
import type { IndexJudge, IndexTrust } from './product.cache.js';

export interface IndexLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface CacheIndexOptions {
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** Every stored product, a chunk at a time (MongoDB, one scan). */
  readonly scan: (chunkSize: number) => AsyncIterable<StoredProduct[]>;
  readonly log: IndexLog;
  /** Expiry of the warm-up lock; renewed while the warm-up runs, so a dead instance's lock lapses. */
  readonly lockMs: number;
  readonly chunkSize: number;
  /** How long after an attempt that left the index incomplete this instance tries again. */
  readonly retryMs: number;
  readonly warmUps?: Counter<'outcome'>;
  /**
   * The shared repair log (MongoDB) and where to read the products it names: the warm-up settles
   * it before it declares the index complete. Without it, only the scan counts.
   */
  readonly repairs?: {
    readonly log: Pick<CacheRepairLog, 'pending' | 'done'>;
    findMany(productIds: readonly string[]): Promise<StoredProduct[]>;
  };
}

/** Keys recorded during one warm-up that it rewrites by id; more make it try again later. */
const repairsByIdLimit = 500;

export interface CacheIndex extends IndexJudge {
  /** Learns which Redis it talks to, warns about an evicting policy, warms up if needed. Never throws. */
  start(): Promise<void>;
  /** Stops a running warm-up (without setting the marker). */
  stop(): Promise<void>;
}

/*
 * Redis as a complete by-id index of the read model. Every applied event writes its product's
 * state (live or tombstone), so once Redis holds a copy of all of MongoDB, a miss means "no such
 * product" and needs no MongoDB scan. The marker key says the copy is complete; its value is the
 * run id of the Redis process the copy was made in:
 * - marker == this Redis' run id: complete, a miss is NOT_FOUND;
 * - no marker (first start, FLUSHDB, a restart without persistence): entries that exist are
 *   current (written since), misses ask MongoDB, and a warm-up copies MongoDB over;
 * - another run id (Redis restarted from a snapshot, which may hold older versions than the
 *   events that were applied since it was taken), or Redis restarted while this instance watched:
 *   nothing is trusted until a new warm-up has rewritten every entry.
 * The warm-up writes with the same versioned script as events, so events applied meanwhile win,
 * and only one instance runs it at a time (a lock key with an expiry).
 */
export function createCacheIndex(options: CacheIndexOptions): CacheIndex {
  const { redis, log } = options;
  const store = createCacheStore(redis, options.keyPrefix);
  let runId: string | undefined;
  let lastRunId: string | undefined;
  let restarted = false;
  let warming: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let stopping = false;

  const learnRunId = async (): Promise<void> => {
    const info = await redis.info('server');
    const current = /run_id:(\w+)/.exec(info)?.[1];
    if (lastRunId && current !== lastRunId) {
      restarted = true;
      log.warn({ runId: current }, 'redis restarted: its entries are not trusted until the next warm-up');
    }
    lastRunId = current;
    runId = current;
    ensureComplete();
  };
  // Until the run id of a new connection is known, nothing is trusted (it may be another Redis).
  const onClose = () => {
    runId = undefined;
  };
  const onReady = () => void learnRunId().catch((error) => log.debug({ err: error }, 'redis run id unknown'));

  const warmUp = async (): Promise<void> => {
    const marker = runId;
    if (!marker || (await redis.get(store.markerKey)) === marker) return;
    const token = randomUUID();
    if ((await redis.set(store.lockKey, token, 'PX', options.lockMs, 'NX')) !== 'OK') {
      log.debug({}, 'another instance is warming the cache index');
      return;
    }
    const started = Date.now();
    let lost = false;
    const renew = setInterval(() => {
      store.scripts.extendLock(store.lockKey, token, options.lockMs).then(
        (renewed) => {
          lost ||= renewed === 0;
        },
        () => {},
      );
    }, options.lockMs / 3);
    let products = 0;
    const writeAll = async (batch: readonly StoredProduct[]) => {
      if (lost || stopping) throw new Error(stopping ? 'stopping' : 'warm-up lock lost');
      const failed = await store.write(batch, 0);
      if (failed.length > 0) throw new Error(`${failed.length} entries could not be written`);
    };
    try {
      // Every record already in the log is of a MongoDB write done before the scan starts (a
      // write is recorded only after it), so the scan rewrites those products anyway.
      const before = await options.repairs?.log.pending(repairsByIdLimit);
      for await (const chunk of options.scan(options.chunkSize)) {
        await writeAll(chunk);
        products += chunk.length;
      }
      const settled = await settleRepairsRecordedDuring(before, writeAll);
      if ((await store.scripts.completeIndex(store.lockKey, store.markerKey, token, marker)) !== 1) {
        throw new Error('warm-up lock lost (Redis lost its data or the lock expired)');
      }
      await options.repairs?.log
        .done(settled)
        .catch((error: unknown) =>
          log.warn({ err: error }, 'settled cache repairs not removed from the log'),
        );
      log.info({ products, repaired: settled.length, ms: Date.now() - started }, 'cache index complete');
      options.warmUps?.inc({ outcome: 'completed' });
    } catch (error) {
      await store.scripts.releaseLock(store.lockKey, token).catch(() => {});
      throw error;
    } finally {
      clearInterval(renew);
    }
  };

  /**
   * A write whose cache write failed during the scan may be of a product the scan had read
   * before it: its record is in the log by now, written after its MongoDB write, so reading the
   * products once more now rewrites them from their current state. Returns every record the
   * scan and this settled. (A write still in flight now carries a write mark, product.cache.ts.)
   */
  const settleRepairsRecordedDuring = async (
    before: PendingRepairs | undefined,
    writeAll: (batch: readonly StoredProduct[]) => Promise<void>,
  ): Promise<PendingRepairs['entryIds']> => {
    const { repairs } = options;
    if (!repairs || !before) return [];
    const after = await repairs.log.pending(repairsByIdLimit);
    const known = new Set(before.entryIds.map(String));
    const recorded = after.entryIds.filter((id) => !known.has(String(id)));
    if (recorded.length === 0) return before.entryIds;
    if (after.all) throw new Error(`${recorded.length} repairs of every entry recorded during the warm-up`);
    await writeAll(await repairs.findMany(after.productIds));
    return [...new Set([...before.entryIds, ...after.entryIds])];
  };

  const isComplete = async () => Boolean(runId) && (await redis.get(store.markerKey)) === runId;

  /** One attempt; until the index is complete (another instance may be warming it), another later. */
  const attempt = async (): Promise<void> => {
    try {
      await warmUp();
    } catch (error) {
      options.warmUps?.inc({ outcome: 'failed' });
      log.warn({ err: error }, 'cache index warm-up failed, misses are answered from MongoDB meanwhile');
    }
    if (stopping || (await isComplete().catch(() => false))) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      ensureComplete();
    }, options.retryMs);
  };

  /** Starts warming unless this instance is at it already or will try again soon. */
  const ensureComplete = (): void => {
    if (warming || retryTimer || stopping) return;
    warming = attempt().finally(() => {
      warming = undefined;
    });
  };

  return {
    trust: (marker): IndexTrust => {
      if (runId && marker === runId) {
        restarted = false;
        return 'complete';
      }
      ensureComplete();
      return !runId || restarted || marker !== null ? 'none' : 'partial';
    },

    start: async () => {
      redis.on('close', onClose);
      redis.on('ready', onReady);
      if (redis.status !== 'ready') return;
      await warnIfEvicting(redis, log);
      await learnRunId().catch((error) => log.warn({ err: error }, 'redis run id unknown'));
    },

    stop: async () => {
      stopping = true;
      clearTimeout(retryTimer);
      redis.off('close', onClose);
      redis.off('ready', onReady);
      await warming;
    },
  };
}

/** An evicted entry would be a false NOT_FOUND; keys without expiry are safe from volatile-* policies. */
async function warnIfEvicting(redis: Redis, log: IndexLog): Promise<void> {
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy?.startsWith('allkeys-')) {
      log.warn(
        { policy },
        'redis maxmemory-policy evicts keys without expiry: an evicted index entry answers NOT_FOUND for a product that exists; use noeviction or a volatile-* policy',
      );
    }
  } catch (error) {
    log.debug({ err: error }, 'redis maxmemory-policy unknown (CONFIG not allowed)');
  }
}
