import { GrpcStatus } from '@cqrs-products/errors';
import { describe, expect, it } from 'vitest';
import { start } from '../src/start.js';
import {
  deleteKeys,
  grpcCaller,
  newProductId,
  startReaderHarness,
  until,
  useReaderHarness,
} from './support/reader-harness.js';

const reader = useReaderHarness({ readFallback: { maxConcurrent: 2 } });

type Got = { Product: { Name: string; Version: number } };
const get = (ProductID: string) => reader.call<Got>('GetProductById', { ProductID });
const product = (ProductID: string, Version: number) => ({
  ProductID,
  Name: `v${Version}`,
  Description: 'indexed',
  Price: Version,
  Version,
});
const repairs = () => reader.products.db.collection(`${reader.config.mongo.collection}_cache_repairs`);
const cachedVersion = (id: string) => reader.redis.hget(reader.keys.product(id), 'version');
/** Redis as if it had lost its data, with the warm-up held off by the test owning its lock. */
const loseRedisData = async () => {
  await deleteKeys(reader.redis, `${reader.config.redis.keyPrefix}*`);
  await reader.redis.set(reader.keys.lock, 'held by the test', 'PX', 60_000);
};
/** A cache entry as an older version left it (the cache's JSON of a live product). */
const stale = (id: string, version: number): string =>
  JSON.stringify({
    kind: 'live',
    product: { productId: id, name: 'old', description: 'd', price: 1, createdAt: 0, updatedAt: 0, version },
  });

describe('GetProductById with the Redis index complete', () => {
  it('answers a product and an unknown id from Redis, without any MongoDB command', async () => {
    const id = newProductId();
    await reader.created(product(id, 1));
    await reader.untilConsumed();
    const before = await reader.mongoCommands();

    for (let i = 0; i < 3; i++) {
      const missing = await get(newProductId());
      expect(missing.error?.code).toBe(GrpcStatus.NOT_FOUND);
      expect(missing.error?.metadata.get('error-code')).toEqual(['PRODUCT_NOT_FOUND']);
    }
    expect((await get(id)).value?.Product.Version).toBe(1);
    expect(await reader.mongoCommands()).toEqual(before);
  });
});

describe('the index after Redis lost its data', () => {
  it('answers correctly from MongoDB meanwhile, and the warm-up restores completeness', async () => {
    const [kept, gone] = [newProductId(), newProductId()];
    await reader.created(product(kept, 1));
    await reader.updated(product(kept, 2));
    await reader.created(product(gone, 1));
    await reader.deleted(gone, 2);
    await reader.untilConsumed();
    await loseRedisData();

    const before = await reader.mongoCommands();
    expect((await get(kept)).value?.Product.Version).toBe(2);
    expect((await get(gone)).error?.code).toBe(GrpcStatus.NOT_FOUND);
    expect((await get(newProductId())).error?.code).toBe(GrpcStatus.NOT_FOUND);
    expect((await reader.mongoCommands()).find).toBeGreaterThan(before.find ?? 0);
    await reader.updated(product(kept, 3));
    await reader.untilConsumed();
    expect((await get(kept)).value?.Product.Version).toBe(3);

    await reader.redis.del(reader.keys.lock);
    // A miss under an absent marker starts the warm-up.
    await until(async () => {
      await get(newProductId());
      return (await reader.redis.exists(reader.keys.marker)) === 1;
    });
    await reader.untilIndexComplete();
    expect([await cachedVersion(kept), await cachedVersion(gone)]).toEqual(['3', '2']);
    const complete = await reader.mongoCommands();
    expect((await get(newProductId())).error?.code).toBe(GrpcStatus.NOT_FOUND);
    expect((await get(kept)).value?.Product.Version).toBe(3);
    expect(await reader.mongoCommands()).toEqual(complete);
  });

  it('bounds the MongoDB reads of misses and refuses the others at once with UNAVAILABLE', async () => {
    await loseRedisData();
    const answers = await Promise.all(Array.from({ length: 40 }, () => get(newProductId())));
    const codes = answers.map((a) => a.error?.metadata.get('error-code')[0]);

    expect(codes.filter((c) => c === 'PRODUCT_NOT_FOUND').length).toBeGreaterThanOrEqual(2);
    expect(codes.filter((c) => c === 'READ_MODEL_UNAVAILABLE').length).toBeGreaterThanOrEqual(1);
    expect(codes.every((c) => c === 'PRODUCT_NOT_FOUND' || c === 'READ_MODEL_UNAVAILABLE')).toBe(true);
    expect(answers.find((a) => a.error?.code === GrpcStatus.UNAVAILABLE)).toBeDefined();
    const metrics = await (await fetch(`http://127.0.0.1:${reader.service.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/read_fallback_reads_total\{result="refused_busy"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/read_fallback_breaker_state\{[^}]*\} 0/);

    await reader.redis.del(reader.keys.lock);
    await until(async () => {
      await get(newProductId());
      return (await reader.redis.exists(reader.keys.marker)) === 1;
    });
  });

  it('trusts no entry of a Redis restored from an older snapshot until it is warmed again', async () => {
    const id = newProductId();
    await reader.created(product(id, 1));
    await reader.updated(product(id, 2));
    await reader.untilConsumed();
    await reader.untilIndexComplete();
    // The marker of another Redis run, and the version that Redis had before the update.
    await reader.redis.set(reader.keys.marker, 'run id of an earlier redis process');
    await reader.redis.hset(reader.keys.product(id), 'version', '1', 'doc', stale(id, 1));

    expect((await get(id)).value?.Product).toMatchObject({ Name: 'v2', Version: 2 });
    await reader.untilIndexComplete();
    expect(await cachedVersion(id)).toBe('2');
  });
});

describe('a cache write that failed', () => {
  it('is not answered from Redis until rewritten from MongoDB, and the rewrite keeps the key', async () => {
    const id = newProductId();
    await reader.created(product(id, 1));
    await reader.untilConsumed();
    // A value no cache script can update: the next event's write fails.
    await reader.redis.set(reader.keys.product(id), 'not a hash');

    await reader.updated(product(id, 2));
    await reader.untilConsumed();
    expect((await get(id)).value?.Product.Version).toBe(2);
    expect(await repairs().countDocuments({ productId: id })).toBeGreaterThanOrEqual(1);

    await reader.redis.del(reader.keys.product(id));
    await until(async () => (await cachedVersion(id)) === '2', { what: 'entry rewritten from MongoDB' });
    await until(async () => (await repairs().countDocuments({ productId: id })) === 0, {
      what: 'repair done',
    });
    const before = await reader.mongoCommands();
    expect((await get(id)).value?.Product.Version).toBe(2);
    expect(await reader.mongoCommands()).toEqual(before);
  });

  it('recorded by a process that died before repairing it, is repaired by the next one', async () => {
    const id = newProductId();
    await reader.created(product(id, 1));
    await reader.updated(product(id, 2));
    await reader.untilConsumed();
    // What the dead process left: version 1 in Redis, and the record of the write that failed.
    await reader.redis.hset(reader.keys.product(id), 'version', '1', 'doc', stale(id, 1));
    await repairs().insertOne({ productId: id, at: new Date() });

    const next = await start({
      ...reader.config,
      kafka: { ...reader.config.kafka, groupId: `${reader.config.kafka.groupId}_next` },
    });
    const { call, close } = grpcCaller(`127.0.0.1:${next.grpcPort}`);
    try {
      const { value } = await call<Got>('GetProductById', { ProductID: id });
      expect(value?.Product).toMatchObject({ Name: 'v2', Version: 2 });
      await until(async () => (await cachedVersion(id)) === '2', { what: 'entry rewritten' });
      await until(async () => (await repairs().countDocuments({ productId: id })) === 0, {
        what: 'repair done',
      });
    } finally {
      close();
      await next.stop();
    }
  });
});

describe('the reader with the index disabled', () => {
  it('reads MongoDB on a miss, and its entries expire', async () => {
    const plain = await startReaderHarness({ index: { enabled: false } });
    try {
      const id = newProductId();
      await plain.created(product(id, 1));
      await plain.untilConsumed();
      const before = await plain.mongoCommands();

      expect((await plain.call('GetProductById', { ProductID: newProductId() })).error?.code).toBe(
        GrpcStatus.NOT_FOUND,
      );
      // Absent is only answered after two looks at the collection and its rewrites (a product
      // whose update is being written is in neither for a moment: mongo/batch-save.ts findStored).
      // The driver reports a command after its answer: wait until all four are counted.
      await until(async () => ((await plain.mongoCommands()).find ?? 0) >= (before.find ?? 0) + 4, {
        timeoutMs: 5_000,
        what: 'four MongoDB finds',
      });
      expect((await plain.mongoCommands()).find).toBe((before.find ?? 0) + 4);
      expect(await plain.redis.ttl(plain.keys.product(id))).toBeGreaterThan(0);
      expect(await plain.redis.exists(plain.keys.marker)).toBe(0);
    } finally {
      await plain.stop();
    }
  });
});
