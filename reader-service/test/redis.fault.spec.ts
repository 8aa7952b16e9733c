import { startServer, stopServer } from '@cqrs-products/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newProductId, type ReaderHarness, startReaderHarness, until } from './support/reader-harness.js';

let reader: ReaderHarness;
let redisStopped = false;
beforeAll(async () => {
  reader = await startReaderHarness();
});
afterAll(async () => {
  // Whatever happened above, leave Redis running for the tests that come after this file.
  if (redisStopped) await startServer('redis');
  await reader?.stop();
});

const product = (ProductID: string, Version: number, Name: string) => ({
  ProductID,
  Name,
  Description: 'Survives a Redis outage',
  Price: Version,
  Version,
});
type Got = { Product: { Name: string; Version: number } };

describe('the reader while Redis stops and comes back', () => {
  it('keeps answering from MongoDB, keeps applying events, and serves no stale version afterwards', async () => {
    const id = newProductId();
    const key = `${reader.config.redis.keyPrefix}${id}`;
    const get = () => reader.call<Got>('GetProductById', { ProductID: id });
    await reader.created(product(id, 1, 'before the outage'));
    await reader.untilConsumed();
    expect((await get()).value?.Product.Version).toBe(1);
    const inspector = new Redis(reader.config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    inspector.on('error', () => {});
    await inspector.connect();
    await until(async () => (await inspector.hget(key, 'version')) === '1', {
      timeoutMs: 5_000,
      what: 'cache warm',
    });
    inspector.disconnect();

    redisStopped = true;
    await stopServer('redis');

    const started = Date.now();
    expect((await get()).value?.Product).toMatchObject({ Name: 'before the outage', Version: 1 });
    const found = await reader.call<{ TotalCount: number }>('SearchProduct', { Search: 'before the outage' });
    expect(found).toMatchObject({ error: null, value: { TotalCount: 1 } });
    expect(Date.now() - started).toBeLessThan(2_000);

    await reader.updated(product(id, 2, 'during the outage'));
    await reader.untilConsumed();
    expect((await reader.products.findOne({ productId: id }))?.version).toBe(2);
    expect((await get()).value?.Product).toMatchObject({ Name: 'during the outage', Version: 2 });

    await startServer('redis');
    redisStopped = false;

    // Until the reader has reconnected, reads come from MongoDB; afterwards from a refilled cache.
    // Either way, every answer is the current version.
    const afterRestart = new Redis(reader.config.redis.url, { maxRetriesPerRequest: 0 });
    try {
      await until(
        async () => {
          expect((await get()).value?.Product).toMatchObject({ Name: 'during the outage', Version: 2 });
          return (await afterRestart.hget(key, 'version')) === '2';
        },
        { timeoutMs: 20_000, what: 'cache refilled with version 2' },
      );
      expect((await get()).value?.Product.Version).toBe(2);
    } finally {
      afterRestart.disconnect();
    }
  });
});
