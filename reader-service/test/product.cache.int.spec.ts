import { testEndpoints, uniqueName } from '@cqrs-products/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProductCache, type ProductCache } from '../src/redis/product.cache.js';
import { newProductId, until } from './support/reader-harness.js';
import { fixtureDate, liveProduct } from './support/stored-products.js';

const silent = { warn() {} };
const keyPrefix = `${uniqueName('cache')}:`;

// The cache's own client, configured as the reader configures it: no offline queue, short timeouts.
const newClient = () =>
  new Redis(testEndpoints().redisUrl, {
    enableOfflineQueue: false,
    commandTimeout: 300,
    maxRetriesPerRequest: 1,
  });
let redis: Redis;
let cache: ProductCache;
beforeAll(async () => {
  redis = newClient();
  await until(() => redis.status === 'ready', { timeoutMs: 5_000, what: 'redis ready' });
});
afterEach(() => cache?.close());
afterAll(async () => {
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});
const newCache = (client = redis) =>
  createProductCache({ redis: client, keyPrefix, ttlSeconds: 60, log: silent, repairIntervalMs: 200 });

describe('product cache', () => {
  it('returns what was remembered, with its dates, and expires it after the TTL', async () => {
    cache = newCache();
    const id = newProductId();
    await cache.remember(liveProduct(id, 1));

    expect(await cache.get(id)).toEqual(liveProduct(id, 1));
    const ttl = await redis.ttl(`${keyPrefix}${id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('refuses a late write of an older version, so a slow query cannot bring back old data', async () => {
    cache = newCache();
    const id = newProductId();
    await cache.remember(liveProduct(id, 2)); // the event's overwrite
    await cache.remember(liveProduct(id, 1)); // a query that read MongoDB before the event, writing late

    expect((await cache.get(id))?.kind === 'live' && (await cache.get(id))).toMatchObject({
      product: { version: 2 },
    });
  });

  it('remembers a delete as a tombstone that replaces the live entry', async () => {
    cache = newCache();
    const id = newProductId();
    await cache.remember(liveProduct(id, 1));
    await cache.remember({
      kind: 'deleted',
      tombstone: { productId: id, version: 2, deletedAt: fixtureDate },
    });

    expect(await cache.get(id)).toEqual({
      kind: 'deleted',
      tombstone: { productId: id, version: 2, deletedAt: fixtureDate },
    });
  });

  it('treats Redis being unreachable as a miss and never throws', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    cache = newCache(dead);
    const id = newProductId();

    await expect(cache.remember(liveProduct(id, 1))).resolves.toBeUndefined();
    await expect(cache.get(id)).resolves.toBeUndefined();
    dead.disconnect();
  });

  it('sends a write its client could not send (connection not back yet, Redis up) on a fresh connection', async () => {
    const client = newClient();
    await until(() => client.status === 'ready', { timeoutMs: 5_000, what: 'redis ready' });
    cache = newCache(client);
    const id = newProductId();
    await cache.remember(liveProduct(id, 1));

    client.disconnect(); // this instance's connection is down, Redis is not
    await until(() => client.status === 'end', { timeoutMs: 5_000, what: 'client disconnected' });
    await cache.remember(liveProduct(id, 2));

    expect(await redis.hget(`${keyPrefix}${id}`, 'version')).toBe('2');
  });

  it('stops trusting an entry whose update failed on both connections, and removes it once Redis answers again', async () => {
    cache = newCache();
    const id = newProductId();
    await cache.remember(liveProduct(id, 1));
    // A value no cache script can update: the write of version 2 fails on any connection.
    await redis.set(`${keyPrefix}${id}`, 'not a hash');

    await cache.remember(liveProduct(id, 2));

    expect(await cache.get(id)).toBeUndefined();
    await until(async () => (await redis.exists(`${keyPrefix}${id}`)) === 0, {
      timeoutMs: 5_000,
      what: 'entry that failed removed',
    });
    await cache.remember(liveProduct(id, 2));
    expect(await cache.get(id)).toEqual(liveProduct(id, 2));
  });
});
