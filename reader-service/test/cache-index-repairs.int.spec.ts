import { testEndpoints, uniqueName } from '@cqrs-products/testing';
import { Redis } from 'ioredis';
import { type Db, MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CacheRepairDocument, createCacheRepairLog } from '../src/mongo/cache-repair.repository.js';
import { createProductRepository, type ProductDocument } from '../src/mongo/product.repository.js';
import { type CacheIndex, createCacheIndex } from '../src/redis/cache-index.js';
import { cacheKeys } from '../src/redis/cache-store.js';
import { deleteKeys, newProductId, until } from './support/reader-harness.js';
import { liveProduct } from './support/stored-products.js';

// The warm-up against the real servers, with another instance's write landing while it scans:
// that instance wrote MongoDB and could not write Redis, so it recorded the product for repair.
const silent = { info() {}, warn() {}, debug() {} };

const databaseName = uniqueName('warm_up');
let mongo: MongoClient;
let database: Db;
let redis: Redis;
let index: CacheIndex | undefined;
const prefixes: string[] = [];
beforeAll(async () => {
  mongo = await new MongoClient(testEndpoints().mongoUri).connect();
  database = mongo.db(databaseName);
  redis = new Redis(testEndpoints().redisUrl);
  await until(() => redis.status === 'ready', { timeoutMs: 5_000, what: 'redis ready' });
});
afterEach(async () => {
  await index?.stop();
  index = undefined;
});
afterAll(async () => {
  for (const prefix of prefixes) await deleteKeys(redis, `${prefix}*`);
  redis?.disconnect();
  await database?.dropDatabase();
  await mongo?.close();
});

/** A read model of its own (collection, repair log, key prefix) and a warm-up over it. */
function readModel() {
  const name = uniqueName('warm_up');
  const repository = createProductRepository(database.collection<ProductDocument>(name));
  const repairs = database.collection<CacheRepairDocument>(`${name}_cache_repairs`);
  const keys = cacheKeys(`${name}:`);
  prefixes.push(`${name}:`);
  /** Starts the warm-up; `duringScan` runs once, after the scan has read every product. */
  const warmUp = async (duringScan: () => Promise<void> = async () => {}) => {
    let ran = false;
    index = createCacheIndex({
      redis,
      keyPrefix: `${name}:`,
      scan: async function* (chunkSize) {
        yield* repository.scan(chunkSize);
        if (!ran) await duringScan();
        ran = true;
      },
      log: silent,
      lockMs: 10_000,
      chunkSize: 100,
      retryMs: 100,
      repairs: { log: createCacheRepairLog(repairs), findMany: (ids) => repository.findMany(ids) },
    });
    await index.start();
  };
  const complete = () =>
    until(async () => (await redis.exists(keys.marker)) === 1, { timeoutMs: 10_000, what: 'index complete' });
  const cachedVersion = (id: string) => redis.hget(keys.product(id), 'version');
  return {
    repository,
    repairLog: createCacheRepairLog(repairs),
    repairs,
    keys,
    warmUp,
    complete,
    cachedVersion,
  };
}

describe('the warm-up and the shared repair log', () => {
  it('rewrites a product recorded for repair while it scanned before it declares the index complete', async () => {
    const model = readModel();
    const id = newProductId();
    await model.repository.saveAll([liveProduct(id, 1)]);

    await model.warmUp(async () => {
      // The scan has copied version 1; another instance applies version 2 and fails its cache write.
      await model.repository.saveAll([liveProduct(id, 2)]);
      await model.repairLog.record([id]);
    });
    await model.complete();

    expect(await model.cachedVersion(id)).toBe('2');
    expect(await model.repairs.countDocuments()).toBe(0);
  });

  it('settles records made before it by its scan alone', async () => {
    const model = readModel();
    const id = newProductId();
    await model.repository.saveAll([liveProduct(id, 1)]);
    await model.repository.saveAll([liveProduct(id, 2)]);
    await model.repairLog.record([id]);

    await model.warmUp();
    await model.complete();

    expect(await model.cachedVersion(id)).toBe('2');
    expect(await model.repairs.countDocuments()).toBe(0);
  });

  it('does not declare the index complete over a repair of every entry recorded while it scanned', async () => {
    const model = readModel();
    const id = newProductId();
    await model.repository.saveAll([liveProduct(id, 1)]);

    await model.warmUp(async () => {
      await model.repository.saveAll([liveProduct(id, 2)]);
      await model.repairLog.record('all');
    });
    await model.complete();

    // Completed over the first scan, the index would hold version 1: the attempt that completes
    // it is the next one, whose scan started after the record.
    expect(await model.cachedVersion(id)).toBe('2');
    expect(await model.repairs.countDocuments()).toBe(0);
  });
});
