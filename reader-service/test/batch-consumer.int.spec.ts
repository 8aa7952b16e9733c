import { encodeMessage, toTimestamp } from '@cqrs-products/contracts';
import { GrpcStatus } from '@cqrs-products/errors';
import { deadLetterHeaders } from '@cqrs-products/kafka';
import type { CollectedMessage } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';
import { deadLetterTopic, newProductId, until, useReaderHarness } from './support/reader-harness.js';

const reader = useReaderHarness();

const now = toTimestamp(new Date());
const wire = (ProductID: string, Version: number) => ({
  ProductID,
  Name: `v${Version}`,
  Description: 'batched',
  Price: Version,
  CreatedAt: now,
  UpdatedAt: now,
  Version,
});
const created = (id: string) => ({
  key: id,
  value: encodeMessage('ProductCreated', { Product: wire(id, 1) }),
});
const updated = (id: string, version: number) => ({
  key: id,
  value: encodeMessage('ProductUpdated', { Product: wire(id, version) }),
});
const deleted = (id: string, Version: number) => ({
  key: id,
  value: encodeMessage('ProductDeleted', { ProductID: id, Version, DeletedAt: now }),
});
const versionsOf = async (ids: readonly string[]) => {
  const documents = await reader.products.find({ _id: { $in: [...ids] } }).toArray();
  const byId = new Map(documents.map((d) => [d._id, `${d.deleted ? 'deleted' : 'live'} v${d.version}`]));
  return ids.map((id) => byId.get(id) ?? 'none');
};
const get = (ProductID: string) =>
  reader.call<{ Product: { Version: number } }>('GetProductById', { ProductID });

describe('the reader consuming event batches', () => {
  it('ends with the newest version of each product when its create, updates and delete come in batches', async () => {
    const ids = Array.from({ length: 30 }, newProductId);
    await reader.sendBatch(reader.topics.created, ids.map(created));
    await reader.sendBatch(
      reader.topics.updated,
      ids.flatMap((id) => [updated(id, 2), updated(id, 3)]),
    );
    await reader.sendBatch(
      reader.topics.deleted,
      ids.filter((_, i) => i % 3 === 0).map((id) => deleted(id, 4)),
    );
    await reader.untilConsumed();

    const expected = ids.map((_, i) => (i % 3 === 0 ? 'deleted v4' : 'live v3'));
    expect(await versionsOf(ids)).toEqual(expected);
    expect((await get(ids[0] as string)).error?.code).toBe(GrpcStatus.NOT_FOUND);
    expect((await get(ids[1] as string)).value?.Product.Version).toBe(3);

    // Delivered again, in one batch per topic: nothing changes.
    const before = await reader.products.find({ _id: { $in: ids } }).toArray();
    await reader.sendBatch(
      reader.topics.updated,
      ids.map((id) => updated(id, 2)),
    );
    await reader.sendBatch(reader.topics.created, ids.map(created));
    await reader.untilConsumed();
    expect(await reader.products.find({ _id: { $in: ids } }).toArray()).toEqual(before);
  });

  it('ends with the newest version when batches of the create and update topics for the same products run at once', async () => {
    const ids = Array.from({ length: 40 }, newProductId);
    await Promise.all([
      reader.sendBatch(
        reader.topics.updated,
        ids.map((id) => updated(id, 2)),
      ),
      reader.sendBatch(reader.topics.created, ids.map(created)),
      reader.sendBatch(
        reader.topics.deleted,
        ids.filter((_, i) => i % 4 === 0).map((id) => deleted(id, 3)),
      ),
    ]);
    await reader.untilConsumed();

    expect(await versionsOf(ids)).toEqual(ids.map((_, i) => (i % 4 === 0 ? 'deleted v3' : 'live v2')));
    for (const [i, id] of ids.entries()) {
      const { value, error } = await get(id);
      if (i % 4 === 0) expect(error?.code).toBe(GrpcStatus.NOT_FOUND);
      else expect(value?.Product.Version).toBe(2);
    }
  });

  it('reads nothing from MongoDB to project a batch of creates', async () => {
    const before = await reader.mongoCommands();
    const ids = Array.from({ length: 100 }, newProductId);
    await reader.sendBatch(reader.topics.created, ids.map(created));
    await reader.untilConsumed();

    const after = await reader.mongoCommands();
    expect(await versionsOf(ids)).toEqual(ids.map(() => 'live v1'));
    expect(after.find ?? 0).toBe(before.find ?? 0);
    expect((after.insert ?? 0) - (before.insert ?? 0)).toBeGreaterThanOrEqual(1);
    expect((after.insert ?? 0) - (before.insert ?? 0)).toBeLessThanOrEqual(
      reader.config.kafka.topics.partitions,
    );
  });

  it('dead-letters a poison event in the middle of a batch alone and applies its neighbours', async () => {
    const dlq: CollectedMessage[] = await reader.collect(deadLetterTopic(reader.topics.created));
    const [before, after] = [newProductId(), newProductId()];
    // One partition and one produce request: the three arrive in one batch, in this order.
    await reader.sendBatch(reader.topics.created, [
      { ...created(before), partition: 0 },
      { key: before, value: Buffer.from([0xff, 0xff, 0xff, 0xff]), partition: 0 },
      { ...created(after), partition: 0 },
    ]);
    await reader.untilConsumed();

    expect(await versionsOf([before, after])).toEqual(['live v1', 'live v1']);
    await until(() => dlq.length >= 1, { what: 'the dead letter' });
    expect(dlq).toHaveLength(1);
    expect(dlq[0]?.headers?.[deadLetterHeaders.errorCode]?.toString()).toBe('UNDECODABLE_EVENT');
    expect(dlq[0]?.headers?.[deadLetterHeaders.attempts]?.toString()).toBe('1');
  });
});
