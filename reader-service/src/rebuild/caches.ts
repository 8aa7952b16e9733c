import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Collection } from 'mongodb';
import { type StoredProduct, storedId, storedVersion } from '../domain/product.js';
import { findByIds } from '../mongo/batch-save.js';
import { fromDocument, type ProductDocument } from '../mongo/product.documents.js';
import type { SearchRepository } from '../postgres/search.repository.js';
import { createCacheStore } from '../redis/cache-store.js';
import type { ProgressBar } from './progress-bar.js';

export interface CacheRewriteDeps {
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** Expiry of the warm-up lock the rewrite holds (the readers' warm-ups wait for it). */
  readonly lockMs: number;
  readonly search: Pick<SearchRepository, 'saveAll' | 'ids' | 'removeAll'>;
  /** The rebuilt collection, active by now: the live projection writes it before Redis. */
  readonly source: Collection<ProductDocument>;
  readonly chunkSize: number;
  readonly bar: ProgressBar;
  readonly total: number;
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

/**
 * Rewrites the Redis index and the search table from the rebuilt collection, under the readers'
 * own warm-up lock (so no warm-up copies meanwhile) and without the completeness marker: while
 * it runs, entries present answer and misses ask MongoDB, as after a FLUSHDB. The marker comes
 * back only if the lock survived, so it never claims a partial index complete. Entries and rows
 * of products the read model does not hold (a corruption) are removed, and entries ahead of it set
 * back; each is looked up once more first, in case the scan missed a product between the delete
 * and insert of its update, or an event wrote it meanwhile.
 */
export async function rewriteCaches(deps: CacheRewriteDeps): Promise<{ removed: number }> {
  const { redis, bar } = deps;
  const store = createCacheStore(redis, deps.keyPrefix);
  redis.defineCommand('overwriteUnlessNewer', { numberOfKeys: 1, lua: overwriteUnlessNewer });
  redis.defineCommand('replaceSeenVersion', { numberOfKeys: 1, lua: replaceSeenVersion });
  const token = `rebuild-${process.pid}-${Date.now()}`;
  await acquire(redis, store.lockKey, token, deps.lockMs);
  let lost = false;
  const renew = setInterval(() => {
    store.scripts.extendLock(store.lockKey, token, deps.lockMs).then(
      (renewed) => {
        lost ||= renewed === 0;
      },
      () => {},
    );
  }, deps.lockMs / 3);
  try {
    await redis.del(store.markerKey);
    const cachedIds = await redisIds(redis, deps.keyPrefix);
    const searchIds = new Set(await deps.search.ids());
    const seen = new Set<string>();
    // Entries newer than the scan read: an event's (MongoDB has it too by now), or a corruption.
    const newer = new Map<string, number>();
    bar.step('caches', deps.total);
    let chunk: StoredProduct[] = [];
    const flush = async () => {
      if (lost) throw new Error('the warm-up lock was lost (expired or Redis lost its data)');
      for (const [id, version] of await writeRedis(redis, deps.keyPrefix, chunk)) newer.set(id, version);
      // Same-version rows too: a corrupted row has wrong fields at the right version.
      await deps.search.saveAll(chunk, { replaceSameVersion: true });
      for (const stored of chunk) seen.add(storedId(stored));
      bar.advance(chunk.length);
      chunk = [];
    };
    for await (const document of deps.source.find({}, { batchSize: deps.chunkSize })) {
      chunk.push(fromDocument(document));
      if (chunk.length >= deps.chunkSize) await flush();
    }
    await flush();
    const candidates = [...new Set([...cachedIds, ...searchIds])].filter((id) => !seen.has(id));
    const current = await findByIds(deps.source, [...candidates, ...newer.keys()]);
    const found = new Set(current.map(storedId));
    const extras = candidates.filter((id) => !found.has(id));
    // The projection writes MongoDB before Redis, so an entry still newer than MongoDB now was not
    // written by an event: it goes back to MongoDB's version.
    for (const stored of current) {
      const cached = newer.get(storedId(stored));
      if (cached === undefined || cached <= storedVersion(stored)) continue;
      await (redis as unknown as ReplaceSeen).replaceSeenVersion(
        `${deps.keyPrefix}${storedId(stored)}`,
        cached,
        storedVersion(stored),
        JSON.stringify(stored),
      );
    }
    if (extras.length > 0) {
      await redis.unlink(...extras.map((id) => `${deps.keyPrefix}${id}`));
      await deps.search.removeAll(extras);
    }
    const runId = /run_id:(\w+)/.exec(await redis.info('server'))?.[1];
    if (!runId) throw new Error('redis did not report its run_id (INFO server)');
    if ((await store.scripts.completeIndex(store.lockKey, store.markerKey, token, runId)) !== 1) {
      throw new Error('the warm-up lock was lost before the index was complete; run the rebuild again');
    }
    bar.finish(`(${extras.length} stray entries removed)`);
    return { removed: extras.length };
  } catch (error) {
    await store.scripts.releaseLock(store.lockKey, token).catch(() => {});
    throw error;
  } finally {
    clearInterval(renew);
  }
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

/** Writes the entries; returns those Redis holds at a newer version, with that version. */
async function writeRedis(
  redis: Redis,
  keyPrefix: string,
  chunk: readonly StoredProduct[],
): Promise<(readonly [string, number])[]> {
  if (chunk.length === 0) return [];
  const pipeline = redis.pipeline() as ReturnType<Redis['pipeline']> & {
    overwriteUnlessNewer(key: string, version: number, doc: string): unknown;
  };
  for (const stored of chunk) {
    pipeline.overwriteUnlessNewer(
      `${keyPrefix}${storedId(stored)}`,
      storedVersion(stored),
      JSON.stringify(stored),
    );
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
}

interface ReplaceSeen {
  replaceSeenVersion(key: string, seen: number, version: number, doc: string): Promise<number>;
}
