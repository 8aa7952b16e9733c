import { GrpcStatus } from '@cqrs-products/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newProductId, type ReaderHarness, startReaderHarness } from './support/reader-harness.js';

// Nothing listens on port 1: every Redis command fails at once.
let reader: ReaderHarness;
beforeAll(async () => {
  reader = await startReaderHarness({ redisUrl: 'redis://127.0.0.1:1' });
});
afterAll(() => reader?.stop());

const product = (ProductID: string, Version: number, Name: string) => ({
  ProductID,
  Name,
  Description: 'Served without a cache',
  Price: 5,
  Version,
});

describe('the reader with Redis unreachable', () => {
  it('starts, applies events and answers GetProductById from MongoDB', async () => {
    const id = newProductId();
    await reader.created(product(id, 1, 'no cache'));
    await reader.updated(product(id, 2, 'still no cache'));
    await reader.untilConsumed();

    const started = Date.now();
    const { error, value } = await reader.call<{ Product: { Name: string; Version: number } }>(
      'GetProductById',
      {
        ProductID: id,
      },
    );
    expect(error).toBeNull();
    expect(value?.Product).toMatchObject({ Name: 'still no cache', Version: 2 });
    expect(Date.now() - started).toBeLessThan(reader.config.redis.commandTimeoutMs * 3);
  });

  it('answers SearchProduct, and a deleted product stays NOT_FOUND', async () => {
    const id = newProductId();
    await reader.created({ ...product(id, 1, 'uncached-direct'), Description: 'd' });
    await reader.untilConsumed();

    const found = await reader.call<{ TotalCount: number }>('SearchProduct', { Search: 'uncached-direct' });
    expect(found).toMatchObject({ error: null, value: { TotalCount: 1 } });
    await reader.deleted(id, 2);
    await reader.untilConsumed();
    expect((await reader.call('GetProductById', { ProductID: id })).error?.code).toBe(GrpcStatus.NOT_FOUND);
  });
});

describe('readiness with Redis unreachable', () => {
  it('names Redis as the failing dependency (queries are still answered, see above)', async () => {
    const response = await fetch(`http://127.0.0.1:${reader.service.probesPort}/ready`);
    expect(response.status).toBe(503);
    const { status } = (await response.json()) as { status: Record<string, string> };
    expect(status.mongo).toBe('ok');
    expect(status.kafka).toBe('ok');
    expect(status.redis).not.toBe('ok');
  });
});
