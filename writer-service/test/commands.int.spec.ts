import { randomUUID } from 'node:crypto';
import { decodeMessage, fromTimestamp, headerNames } from '@cqrs-products/contracts';
import { describe, expect, it } from 'vitest';
import { eventVersion, until } from './support/harness.js';
import { useWriter } from './support/writer-fixture.js';

const writer = useWriter();
const { eventsOf, productRow } = writer;
const lamp = (productId: string, price = 19.99) => ({
  ProductID: productId,
  Name: 'Lamp',
  Description: 'A desk lamp',
  Price: price,
});

describe('commands from Kafka', () => {
  it('create, update and delete reach PostgreSQL and emit exactly one event each, in order', async () => {
    const productId = randomUUID();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

    await writer.send('create', lamp(productId), { headers: { traceparent } });
    await until(async () => (await productRow(productId)) !== undefined);
    expect(await productRow(productId)).toMatchObject({ name: 'Lamp', price: 19.99, version: '1' });

    await writer.send('update', { ...lamp(productId, 25), Name: 'Big lamp' });
    await until(async () => (await productRow(productId))?.version === '2');
    expect(await productRow(productId)).toMatchObject({ name: 'Big lamp', price: 25 });

    await writer.send('delete', { ProductID: productId });
    await until(() => eventsOf(productId).length === 3);
    expect(await productRow(productId)).toBeUndefined();

    await writer.settled();
    // Kafka orders within a partition, not across the three event topics: compare by version.
    const published = eventsOf(productId).sort((a, b) => eventVersion(a) - eventVersion(b));
    expect(published.map((e) => e.topic)).toEqual([
      writer.topics.events.created,
      writer.topics.events.updated,
      writer.topics.events.deleted,
    ]);
    expect(published.map(eventVersion)).toEqual([1, 2, 3]);

    const created = decodeMessage('ProductCreated', published[0]?.value ?? Buffer.alloc(0)).Product;
    expect(created).toMatchObject({
      ProductID: productId,
      Name: 'Lamp',
      Description: 'A desk lamp',
      Price: 19.99,
    });
    const updated = decodeMessage('ProductUpdated', published[1]?.value ?? Buffer.alloc(0)).Product;
    expect(updated?.Name).toBe('Big lamp');
    // The update keeps the creation time and moves the update time forward.
    expect(updated?.CreatedAt).toEqual(created?.CreatedAt);
    expect(fromTimestamp(updated?.UpdatedAt ?? { seconds: 0, nanos: 0 }).getTime()).toBeGreaterThanOrEqual(
      fromTimestamp(created?.UpdatedAt ?? { seconds: 0, nanos: 0 }).getTime(),
    );
    const deleted = decodeMessage('ProductDeleted', published[2]?.value ?? Buffer.alloc(0));
    expect(deleted).toMatchObject({ ProductID: productId, Version: 3 });

    // Each event has its own message id and the trace context of the command that caused it.
    const [first] = published;
    expect(first?.headers[headerNames.messageType]).toBe('ProductCreated');
    expect(first?.headers.traceparent).toBe(traceparent);
    expect(new Set(published.map((e) => e.headers[headerNames.messageId])).size).toBe(3);

    const outbox = await writer.db.pool.query('SELECT published_at FROM outbox WHERE aggregate_id = $1', [
      productId,
    ]);
    expect(outbox.rows).toHaveLength(3);
    expect(outbox.rows.every((row) => row.published_at !== null)).toBe(true);
  });

  it('when the same command arrives twice, the product changes once and one event is emitted', async () => {
    const productId = randomUUID();
    await writer.send('create', lamp(productId));
    const updateId = randomUUID();
    await writer.send('update', lamp(productId, 30), { messageId: updateId });
    await writer.send('update', lamp(productId, 30), { messageId: updateId });
    // A later, different command proves the duplicate was consumed (not just still queued).
    await writer.send('update', lamp(productId, 31));

    await until(() => eventsOf(productId).length >= 3);
    await writer.settled();
    expect(
      eventsOf(productId)
        .map(eventVersion)
        .sort((a, b) => a - b),
    ).toEqual([1, 2, 3]);
    expect(await productRow(productId)).toMatchObject({ price: 31, version: '3' });
    const processed = await writer.db.pool.query('SELECT 1 FROM processed_commands WHERE command_id = $1', [
      updateId,
    ]);
    expect(processed.rowCount).toBe(1);
  });

  it('applies an update that arrives before its create once the create lands (they travel on different topics)', async () => {
    const productId = randomUUID();
    await writer.send('update', lamp(productId, 42));
    await writer.settled();
    await writer.send('create', lamp(productId, 1));

    await until(() => eventsOf(productId).length === 2);
    expect(await productRow(productId)).toMatchObject({ price: 42, version: '2' });
  });

  it('keeps each product in order while many products change at once', async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    await Promise.all(
      ids.map(async (productId) => {
        await writer.send('create', lamp(productId, 0));
        for (let price = 1; price <= 4; price++) await writer.send('update', lamp(productId, price));
      }),
    );

    await until(() => ids.every((id) => eventsOf(id).length === 5));
    for (const productId of ids) {
      const versions = eventsOf(productId).filter((e) => e.topic === writer.topics.events.updated);
      expect(versions.map(eventVersion)).toEqual([2, 3, 4, 5]);
      expect(await productRow(productId)).toMatchObject({ price: 4, version: '5' });
    }
  });
});
