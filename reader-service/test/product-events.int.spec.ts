import { encodeMessage, toTimestamp } from '@cqrs-products/contracts';
import { GrpcStatus } from '@cqrs-products/errors';
import { deadLetterHeaders } from '@cqrs-products/kafka';
import { type CollectedMessage, untilCollectedToEnd } from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start } from '../src/start.js';
import {
  deadLetterTopic,
  newProductId,
  type ReaderHarness,
  startReaderHarness,
  until,
  type WireProduct,
} from './support/reader-harness.js';

let reader: ReaderHarness;
beforeAll(async () => {
  reader = await startReaderHarness();
});
afterAll(() => reader?.stop());

const product = (ProductID: string, Version: number, Name = `Lamp v${Version}`): WireProduct => ({
  ProductID,
  Name,
  Description: 'A desk lamp',
  Price: 10 + Version,
  Version,
});

const getProduct = (ProductID: string) =>
  reader.call<{ Product: { Name: string; Version: number; Price: number } }>('GetProductById', { ProductID });

describe('projecting product events into MongoDB', () => {
  it('applies a create and its updates in order, ending at the last version', async () => {
    const id = newProductId();
    await reader.created(product(id, 1));
    await reader.updated(product(id, 2));
    await reader.updated(product(id, 3));
    await reader.untilConsumed();

    const { value } = await getProduct(id);
    expect(value?.Product).toMatchObject({ Name: 'Lamp v3', Price: 13, Version: 3 });
    const stored = await reader.products.findOne({ productId: id });
    expect(stored).toMatchObject({ version: 3, name: 'Lamp v3', price: 13, deleted: false });
    expect(stored?.createdAt).toBeInstanceOf(Date);
  });

  it('ignores an older version that arrives after a newer one', async () => {
    const id = newProductId();
    await reader.created(product(id, 1));
    await reader.updated(product(id, 3, 'newest'));
    await reader.updated(product(id, 2, 'older, arrived late'));
    await reader.untilConsumed();

    expect((await getProduct(id)).value?.Product).toMatchObject({ Name: 'newest', Version: 3 });
    expect(await reader.products.findOne({ productId: id })).toMatchObject({ name: 'newest', version: 3 });
  });

  it('does not roll a product back when an earlier event is delivered again', async () => {
    const id = newProductId();
    await reader.created(product(id, 1, 'first'));
    await reader.updated(product(id, 2, 'second'));
    await reader.untilConsumed();
    const before = await reader.products.findOne({ productId: id });

    await reader.created(product(id, 1, 'first'));
    await reader.updated(product(id, 2, 'second'));
    await reader.untilConsumed();

    expect(await reader.products.findOne({ productId: id })).toEqual(before);
    expect(await reader.products.countDocuments({ productId: id })).toBe(1);
  });

  it('keeps a deleted product deleted when a stale update arrives after the delete', async () => {
    const id = newProductId();
    await reader.created(product(id, 1, 'doomed'));
    await reader.updated(product(id, 2, 'doomed'));
    await reader.deleted(id, 3);
    await reader.untilConsumed();
    await reader.updated(product(id, 2, 'doomed'));
    await reader.untilConsumed();

    expect((await getProduct(id)).error?.code).toBe(GrpcStatus.NOT_FOUND);
    const search = await reader.call<{ Products: { ProductID: string }[] }>('SearchProduct', {
      Search: 'doomed',
    });
    expect(search.value?.Products.map((p) => p.ProductID)).not.toContain(id);
    expect(await reader.products.findOne({ productId: id }, { projection: { _id: 0 } })).toMatchObject({
      productId: id,
      version: 3,
      deleted: true,
    });
  });
});

describe('poison events', () => {
  it('land in <topic>.dlq with the reason, and later events on the partition still apply', async () => {
    const dlq: CollectedMessage[] = await reader.collect(deadLetterTopic(reader.topics.created));
    const key = newProductId();
    const now = toTimestamp(new Date());
    const invalid = (fields: object) =>
      encodeMessage('ProductCreated', {
        Product: {
          ProductID: key,
          Name: 'x',
          Description: 'y',
          Price: 1,
          CreatedAt: now,
          UpdatedAt: now,
          Version: 1,
          ...fields,
        },
      });

    // Same key, so the same partition: the valid event waits behind the poison ones.
    await reader.sendRaw(reader.topics.created, key, Buffer.from([0xff, 0xff, 0xff, 0xff]));
    await reader.sendRaw(reader.topics.created, key, invalid({ ProductID: 'not-a-uuid' }));
    await reader.sendRaw(reader.topics.created, key, invalid({ Version: 0 }));
    await reader.created(product(key, 1, 'after the poison'));

    await until(async () => (await getProduct(key)).value?.Product.Name === 'after the poison', {
      timeoutMs: 30_000,
    });
    // The valid event is the trailing marker: once the reader committed it, the poison before it
    // was dead-lettered (the batch commits after its dead letters), so the DLQ's end is final.
    await reader.untilConsumed();
    await untilCollectedToEnd(reader.kafka, dlq, [deadLetterTopic(reader.topics.created)]);
    expect(dlq).toHaveLength(3);
    const codes = dlq.map((m) => m.headers?.[deadLetterHeaders.errorCode]?.toString());
    expect(codes).toEqual(['UNDECODABLE_EVENT', 'INVALID_EVENT', 'INVALID_EVENT']);
    expect(dlq.map((m) => m.headers?.[deadLetterHeaders.originalTopic]?.toString())).toEqual(
      Array(3).fill(reader.topics.created),
    );
    expect(dlq[2]?.headers?.[deadLetterHeaders.error]?.toString()).toMatch(
      /Product\.Version: must be at least 1/,
    );
  });
});

describe('the cache after an event', () => {
  it('never serves the old version once the update event is applied, even when it was cached', async () => {
    const id = newProductId();
    await reader.created(product(id, 1, 'cached'));
    await reader.untilConsumed();
    expect((await getProduct(id)).value?.Product.Version).toBe(1);
    const redis = new (await import('ioredis')).Redis(reader.config.redis.url);
    const key = `${reader.config.redis.keyPrefix}${id}`;
    await until(async () => (await redis.hget(key, 'version')) === '1', {
      timeoutMs: 5_000,
      what: 'cache filled',
    });

    await reader.updated(product(id, 2, 'fresh'));
    await reader.untilConsumed();

    expect((await getProduct(id)).value?.Product).toMatchObject({ Name: 'fresh', Version: 2 });
    expect(await redis.hget(key, 'version')).toBe('2');
    redis.disconnect();
  });
});

describe('a restarted reader', () => {
  it('starts against a read model whose indexes already exist, and keeps them', async () => {
    const again = await start({
      ...reader.config,
      kafka: { ...reader.config.kafka, groupId: `${reader.config.kafka.groupId}_again` },
    });
    await again.stop();
    const names = (await reader.products.listIndexes().toArray()).map((index) => index.name).sort();
    expect(names).toEqual(['_id_', 'live_newest_first', 'name_description', 'productId_unique']);
  });
});
