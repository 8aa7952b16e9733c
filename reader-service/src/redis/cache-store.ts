import type { DbMetrics } from '@cqrs-products/metrics';
import type { Redis } from 'ioredis';
import { type StoredProduct, storedId, storedVersion } from '../domain/product.js';
import { type CacheScripts, defineCacheScripts } from './cache-scripts.js';

export interface CacheEntries {
  /** In the order asked for. */
  readonly stored: readonly (StoredProduct | undefined)[];
  /** Per product: some instance is writing it (between MongoDB and Redis), its entry may be older. */
  readonly writing: readonly boolean[];
  /** The completeness marker's value at the same instant (see cache-index.ts). */
  readonly marker: string | null;
}

/** The Redis keys of the cache and their round trips; no policy (see product.cache.ts, cache-index.ts). */
export interface CacheStore {
  readonly scripts: CacheScripts;
  readonly markerKey: string;
  readonly lockKey: string;
  /** Entries in one round trip, with the marker's value at the same instant. */
  readMany(productIds: readonly string[]): Promise<CacheEntries>;
  /**
   * Writes every entry (unless Redis holds the same or a newer version) in one round trip and
   * returns the products whose write failed or may not have happened. With `unmark`, the write
   * also removes that writer's mark from the products it names (see `markWriting`).
   */
  write(batch: readonly StoredProduct[], ttlSeconds: number, unmark?: WriterMarks): Promise<string[]>;
  /** Marks products as being written by `token` for at most `ms` (one round trip; throws on failure). */
  markWriting(productIds: readonly string[], token: string, ms: number): Promise<void>;
  remove(productIds: readonly string[]): Promise<void>;
  /** Deletes every key under the prefix, marker included. */
  removeAll(): Promise<void>;
}

/** Which products' write marks a write removes, and whose. */
export interface WriterMarks {
  readonly token: string;
  readonly productIds: ReadonlySet<string>;
}

/** Product keys are the prefix and a UUID, so the marker, the lock and the marks never collide with one. */
export const cacheKeys = (keyPrefix: string) => ({
  product: (productId: string) => `${keyPrefix}${productId}`,
  writing: (productId: string) => `${keyPrefix}writing:${productId}`,
  marker: `${keyPrefix}index:complete`,
  lock: `${keyPrefix}index:warm-up-lock`,
});

export function createCacheStore(redis: Redis, keyPrefix: string, db?: DbMetrics): CacheStore {
  const { scripts, pipeline } = defineCacheScripts(redis);
  const { product: key, writing: marksKey, marker: markerKey, lock: lockKey } = cacheKeys(keyPrefix);
  const timed = <T>(operation: string, work: () => Promise<T>) =>
    db ? db.time('redis', operation, work) : work();

  return {
    scripts,
    markerKey,
    lockKey,

    readMany: async (productIds) => {
      const keys = [...productIds.map(key), ...productIds.map(marksKey), markerKey];
      const [marker = null, ...docs] = await timed('EVALSHA', () =>
        scripts.lookupProducts(keys.length, ...keys),
      );
      return {
        stored: docs.map((doc) => (typeof doc === 'string' ? decode(doc) : undefined)),
        writing: docs.map((doc) => doc === 0),
        marker: typeof marker === 'string' ? marker : null,
      };
    },

    write: async (batch, ttlSeconds, unmark) => {
      if (batch.length === 0) return [];
      const commands = pipeline();
      for (const stored of batch) {
        const id = storedId(stored);
        const token = unmark?.productIds.has(id) ? unmark.token : '';
        commands.rememberProduct(
          key(id),
          marksKey(id),
          storedVersion(stored),
          encode(stored),
          ttlSeconds,
          token,
        );
      }
      try {
        const results = (await timed('PIPELINE', () => commands.exec())) ?? [];
        return batch.filter((_, i) => !results[i] || results[i][0]).map(storedId);
      } catch {
        return batch.map(storedId);
      }
    },

    markWriting: async (productIds, token, ms) => {
      if (productIds.length === 0) return;
      const keys = productIds.map(marksKey);
      await timed('EVALSHA', () => scripts.markWriting(keys.length, ...keys, token, ms));
    },

    remove: async (productIds) => {
      if (productIds.length > 0) await redis.unlink(...productIds.map(key));
    },

    removeAll: async () => {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(keyPrefix)}*`, 'COUNT', 500);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    },
  };
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
