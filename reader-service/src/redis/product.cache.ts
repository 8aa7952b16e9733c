import type { Redis } from 'ioredis';
import type { StoredProduct } from '../domain/product.js';
import type { CacheMetrics } from '../metrics.js';

export interface CacheLog {
  warn(obj: object, msg: string): void;
}

export interface ProductCache {
  /** The cached document, or undefined on a miss, a Redis failure, or a key awaiting repair. */
  get(productId: string): Promise<StoredProduct | undefined>;
  /**
   * Caches the document unless the cache already holds the same or a newer version. Used both to
   * fill the cache after a MongoDB read and to overwrite it after a change; never throws.
   */
  remember(stored: StoredProduct): Promise<void>;
  /** Stops the repair timer (the Redis client itself belongs to the caller). */
  close(): void;
}

export interface ProductCacheOptions {
  readonly redis: Redis;
  readonly keyPrefix: string;
  readonly ttlSeconds: number;
  readonly log: CacheLog;
  readonly metrics?: CacheMetrics;
  /** How often keys whose update failed are retried (deleted) while Redis was unreachable. */
  readonly repairIntervalMs?: number;
  /** Beyond this many keys awaiting repair, the whole prefix is cleared instead. */
  readonly maxRepairKeys?: number;
}

/*
 * Each entry is a hash {version, doc} written only by this script: it sets the entry when it is
 * absent or holds an older version. Why not plain SET or DEL: a query can read version 1 from
 * MongoDB, then an event applies version 2 and updates the cache, then the query writes its
 * version 1 back. With the version compared inside Redis (atomically), that late write is
 * refused, so the cache only ever moves forward. Changes overwrite instead of deleting for the
 * same reason: a deleted entry would forget the version that guards it.
 */
const rememberScript = `
local current = tonumber(redis.call('HGET', KEYS[1], 'version'))
if current and current >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'doc', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`;

/**
 * Read-through cache for GetProductById, best effort: any Redis failure is logged and treated as
 * a miss, so queries fall back to MongoDB and event handling never fails because of Redis.
 *
 * A change that could not be written to Redis (Redis down or slow) would leave the old version
 * cached. Such keys are remembered in memory: reads bypass the cache for them and a timer deletes
 * them once Redis answers again. If this process dies before that, the TTL is the backstop.
 */
export function createProductCache(options: ProductCacheOptions): ProductCache {
  const { redis, keyPrefix, ttlSeconds, log } = options;
  const maxRepairKeys = options.maxRepairKeys ?? 10_000;
  const needRepair = new Set<string>();
  let clearAll = false;
  let repairTimer: NodeJS.Timeout | undefined;
  const key = (productId: string) => `${keyPrefix}${productId}`;
  const db = options.metrics?.db;
  const timed = <T>(operation: string, work: () => Promise<T>) =>
    db ? db.time('redis', operation, work) : work();

  const repair = async (): Promise<void> => {
    repairTimer = undefined;
    try {
      if (clearAll) {
        await deleteByPrefix(redis, keyPrefix);
        clearAll = false;
        needRepair.clear();
      }
      for (const productId of [...needRepair]) {
        await redis.del(key(productId));
        needRepair.delete(productId);
      }
    } catch (error) {
      log.warn({ err: error, pending: needRepair.size, clearAll }, 'cache repair failed, will retry');
      scheduleRepair();
    }
  };
  const scheduleRepair = (): void => {
    repairTimer ??= setTimeout(() => void repair(), options.repairIntervalMs ?? 1_000);
  };
  const markForRepair = (productId: string): void => {
    if (needRepair.size >= maxRepairKeys) clearAll = true;
    else needRepair.add(productId);
    scheduleRepair();
  };
  const bypass = (productId: string) => clearAll || needRepair.has(productId);

  return {
    get: async (productId) => {
      if (bypass(productId)) {
        options.metrics?.lookups.inc({ result: 'miss' });
        return undefined;
      }
      try {
        const doc = await timed('HGET', () => redis.hget(key(productId), 'doc'));
        options.metrics?.lookups.inc({ result: doc ? 'hit' : 'miss' });
        return doc ? decode(doc) : undefined;
      } catch (error) {
        options.metrics?.lookups.inc({ result: 'error' });
        log.warn({ err: error, productId }, 'cache read failed, reading MongoDB');
        return undefined;
      }
    },

    remember: async (stored) => {
      const { productId, version } = stored.kind === 'live' ? stored.product : stored.tombstone;
      if (bypass(productId)) return;
      try {
        await timed('EVAL', () =>
          redis.eval(rememberScript, 1, key(productId), version, encode(stored), ttlSeconds),
        );
      } catch (error) {
        // Whether the write happened is unknown; the entry must not be trusted until deleted.
        log.warn({ err: error, productId, version }, 'cache write failed, entry scheduled for repair');
        markForRepair(productId);
      }
    },

    close: () => {
      if (repairTimer) clearTimeout(repairTimer);
      repairTimer = undefined;
    },
  };
}

async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

const escapeGlob = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

const encode = (stored: StoredProduct): string => JSON.stringify(stored);

/** Dates travel as ISO strings in JSON; revive them so cached and stored documents look the same. */
function decode(json: string): StoredProduct {
  const stored = JSON.parse(json) as StoredProduct;
  if (stored.kind === 'deleted') {
    return {
      kind: 'deleted',
      tombstone: { ...stored.tombstone, deletedAt: new Date(stored.tombstone.deletedAt) },
    };
  }
  const { createdAt, updatedAt } = stored.product;
  return {
    kind: 'live',
    product: { ...stored.product, createdAt: new Date(createdAt), updatedAt: new Date(updatedAt) },
  };
}
