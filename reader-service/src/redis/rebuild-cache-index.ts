import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { type StoredProduct, storedId, storedVersion } from '../domain/product.js';
import { createCacheStore } from './cache-store.js';

/** The Redis index as the rebuild rewrites it (rebuild/caches.ts says in what order, and why). */
export interface RebuildCacheIndex {
  /** Takes the readers' warm-up lock, waiting while a warm-up holds it, and keeps it renewed. */
  lock(): Promise<IndexLock>;
  /** Deletes the completeness marker: misses ask MongoDB until the index is complete again. */
  clearMarker(): Promise<void>;
  /** The product ids that have an entry. */
  ids(): Promise<Set<string>>;
  /** Writes the entries; returns those Redis holds at a newer version, with that version. */
  write(chunk: readonly StoredProduct[]): Promise<(readonly [string, number])[]>;
  /** Sets an entry back to `stored` while it still holds the version `seen`. */
  setBack(stored: StoredProduct, seen: number): Promise<void>;
  remove(ids: readonly string[]): Promise<void>;
}

export interface IndexLock {
  /** Whether a renewal found the lock gone (expired, or Redis lost its data). */
  lost(): boolean;
  /** Sets the completeness marker if the lock is still held, else throws: it never marks a partial index. */
  completeIndex(): Promise<void>;
  /** Gives the lock up (after a failure; completing the index releases it). */
  release(): Promise<void>;
  /** Stops the renewals. */
  stopRenewing(): void;
}

/*
 * Same as the projection's entry script, but it also replaces an entry of the SAME version: a
 * corrupted entry (wrong fields at the right version) must be overwritten, and a genuine entry
 * of that version holds the same state. A newer version is never replaced: an event applied it
 * to MongoDB after this scan read the product, so the cache stays never behind nor ahead.
 */
const overwriteUnlessNewer = `
local current = tonumber(redis.call('HGET', KEYS[1], 'version'))
if current and current > tonumber(ARGV[1]) then return current end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'doc', ARGV[2])
redis.call('PERSIST', KEYS[1])
return 0`;

/** Replaces an entry only while it still holds the version seen (an event may have moved it on). */
const replaceSeenVersion = `
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'doc', ARGV[3])
return 1`;

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface RebuildCommands {
  replaceSeenVersion(key: string, seen: number, version: number, doc: string): Promise<number>;
}
type RebuildPipeline = ReturnType<Redis['pipeline']> & {
  overwriteUnlessNewer(key: string, version: number, doc: string): unknown;
};

/** `lockMs`: expiry of the warm-up lock the rewrite holds (the readers' warm-ups wait for it). */
export function rebuildCacheIndex(redis: Redis, keyPrefix: string, lockMs: number): RebuildCacheIndex {
  const store = createCacheStore(redis, keyPrefix);
  redis.defineCommand('overwriteUnlessNewer', { numberOfKeys: 1, lua: overwriteUnlessNewer });
  redis.defineCommand('replaceSeenVersion', { numberOfKeys: 1, lua: replaceSeenVersion });
  const key = (id: string) => `${keyPrefix}${id}`;
  return {
    lock: async () => {
      const token = `rebuild-${process.pid}-${Date.now()}`;
      await acquire(redis, store.lockKey, token, lockMs);
      let lost = false;
      const renew = setInterval(() => {
        store.scripts.extendLock(store.lockKey, token, lockMs).then(
          (renewed) => {
            lost ||= renewed === 0;
          },
          () => {},
        );
      }, lockMs / 3);
      return {
        lost: () => lost,
        completeIndex: async () => {
          const runId = /run_id:(\w+)/.exec(await redis.info('server'))?.[1];
          if (!runId) throw new Error('redis did not report its run_id (INFO server)');
          if ((await store.scripts.completeIndex(store.lockKey, store.markerKey, token, runId)) !== 1) {
            throw new Error('the warm-up lock was lost before the index was complete; run the rebuild again');
          }
        },
        release: async () => {
          await store.scripts.releaseLock(store.lockKey, token);
        },
        stopRenewing: () => clearInterval(renew),
      };
    },
    clearMarker: async () => {
      await redis.del(store.markerKey);
    },
    ids: () => redisIds(redis, keyPrefix),
    write: async (chunk) => {
      if (chunk.length === 0) return [];
      const pipeline = redis.pipeline() as RebuildPipeline;
      for (const stored of chunk) {
        pipeline.overwriteUnlessNewer(key(storedId(stored)), storedVersion(stored), JSON.stringify(stored));
      }
      const results = (await pipeline.exec()) ?? [];
      const failed = results.filter(([error]) => error);
      if (failed.length > 0 || results.length !== chunk.length) {
        throw new Error(`${failed.length || chunk.length} cache entries could not be written`);
      }
      return chunk.flatMap((stored, i) => {
        const cached = Number(results[i]?.[1]);
        return cached > 0 ? [[storedId(stored), cached] as const] : [];
      });
    },
    setBack: async (stored, seen) => {
      await (redis as unknown as RebuildCommands).replaceSeenVersion(
        key(storedId(stored)),
        seen,
        storedVersion(stored),
        JSON.stringify(stored),
      );
    },
    remove: async (ids) => {
      if (ids.length > 0) await redis.unlink(...ids.map(key));
    },
  };
}

/** Waits while a reader's warm-up holds the lock (it ends, or its lock lapses). */
async function acquire(redis: Redis, lockKey: string, token: string, lockMs: number): Promise<void> {
  const deadline = Date.now() + 4 * lockMs;
  while ((await redis.set(lockKey, token, 'PX', lockMs, 'NX')) !== 'OK') {
    if (Date.now() > deadline)
      throw new Error(`the cache index lock ${lockKey} stayed taken for ${4 * lockMs} ms`);
    await sleep(250);
  }
}

async function redisIds(redis: Redis, keyPrefix: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const pattern = `${keyPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    for (const key of keys) {
      const id = key.slice(keyPrefix.length);
      if (uuid.test(id) && id.length === 36) ids.add(id);
    }
    cursor = next;
  } while (cursor !== '0');
  return ids;
}
