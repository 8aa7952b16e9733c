import { randomUUID } from 'node:crypto';
import { headerNames } from '@cqrs-products/contracts';
import { deadLetterHeaders, deadLetterTopic } from '@cqrs-products/kafka';
import { createLogger } from '@cqrs-products/logger';
import { createRegistry } from '@cqrs-products/metrics';
import { createTestDatabase, testEndpoints } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';
import { parkingMetrics } from '../src/metrics.js';
import { startParkingSweeper } from '../src/parking/sweeper.js';
import {
  countParkedCommands,
  parkCommands,
  parkedCommandIds,
} from '../src/postgres/parked-command.repository.js';
import { encodeCommand, eventVersion, lamp, productVersion, until } from './support/harness.js';
import { useWriter } from './support/writer-fixture.js';

// Short, so that a create that never comes is given up on within the test.
const parkWindowMs = 3_000;
const writer = useWriter({ parkWindowMs });
const { eventsOf, deadFor } = writer;

const versionOf = (productId: string) => productVersion(writer.db, productId);

describe('an update or delete of a product the writer does not know yet', () => {
  it('is parked without holding its partition, and applied right after its create lands', async () => {
    const known = randomUUID();
    await writer.send('create', lamp(known, 1));
    await until(async () => (await versionOf(known)) === '1');

    const early = randomUUID();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const [earlyUpdateId] = await writer.sendBatch('update', [
      { key: early, value: encodeCommand('update', lamp(early, 42)), headers: { traceparent } },
    ]);
    // Behind it on the same partition: applied at once, not after rounds of retries.
    await writer.sendBatch('update', [{ key: known, value: encodeCommand('update', lamp(known, 2)) }]);
    await until(async () => (await versionOf(known)) === '2');
    expect(await parkedCommandIds(writer.db.pool, early)).toEqual([earlyUpdateId]);
    expect(await versionOf(early)).toBeUndefined();

    await writer.send('create', lamp(early, 1));
    await until(async () => (await versionOf(early)) === '2');
    const outbox = await writer.db.pool.query(
      'SELECT message_type FROM outbox WHERE aggregate_id = $1 ORDER BY id',
      [early],
    );
    expect(outbox.rows.map((r) => r.message_type)).toEqual(['ProductCreated', 'ProductUpdated']);
    expect(await parkedCommandIds(writer.db.pool, early)).toEqual([]);
    const price = await writer.db.pool.query('SELECT price FROM products WHERE product_id = $1', [early]);
    expect(price.rows).toEqual([{ price: 42 }]);

    await until(() => eventsOf(early).length === 2);
    // Everything sent so far consumed and collected: "no dead letter" is final, not "none yet".
    await writer.settled();
    expect(eventsOf(early)).toHaveLength(2);
    const updated = eventsOf(early).find((e) => e.topic === writer.topics.events.updated);
    expect(updated && eventVersion(updated)).toBe(2);
    // The parked update's event continues the trace of the update, not of the create.
    expect(updated?.headers.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-/);
    expect(deadFor(early)).toEqual([]);
  });

  it('is dead-lettered as not found once the window is over, as it was received, and leaves the table', async () => {
    const never = randomUUID();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const value = encodeCommand('update', lamp(never, 5));
    const sentAt = Date.now();
    const [messageId] = await writer.sendBatch(
      'update',
      [{ key: never, value, headers: { traceparent } }],
      1,
    );
    await until(async () => (await parkedCommandIds(writer.db.pool, never)).length === 1);

    await until(() => deadFor(never).length === 1, { timeoutMs: parkWindowMs + 10_000 });
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(parkWindowMs);
    const [dead] = deadFor(never);
    expect(dead?.topic).toBe(deadLetterTopic(writer.topics.commands.update));
    expect(dead?.value).toEqual(value);
    expect(dead?.headers).toMatchObject({
      [deadLetterHeaders.errorCode]: 'PRODUCT_NOT_FOUND',
      [deadLetterHeaders.originalTopic]: writer.topics.commands.update,
      [deadLetterHeaders.originalPartition]: '1',
      [headerNames.messageId]: messageId,
      traceparent,
    });
    expect(dead?.headers[deadLetterHeaders.originalOffset]).toMatch(/^\d+$/);
    expect(dead?.headers[deadLetterHeaders.error]).toMatch(/Product not found/);
    // The row goes in the transaction that sent the dead letter, which commits after Kafka acked it.
    await until(async () => (await parkedCommandIds(writer.db.pool, never)).length === 0);
    // Not processed any more: sent back to its topic once the product exists, it would apply.
    const processed = await writer.db.pool.query('SELECT 1 FROM processed_commands WHERE command_id = $1', [
      messageId,
    ]);
    expect(processed.rowCount).toBe(0);
    expect(await versionOf(never)).toBeUndefined();
    expect(eventsOf(never)).toEqual([]);
  });
});

describe('the parking sweeper', () => {
  it('leaves a command past its window alone while creates that were in Kafka after it are still unconsumed', async () => {
    const db = await createTestDatabase(testEndpoints().postgresUrl);
    const log = createLogger({ service: 'sweeper-test', level: 'silent' });
    const topic = writer.topics.commands.update;
    const productId = randomUUID();
    const parkedAt = new Date(Date.now() - 60_000);
    await parkCommands(db.pool, [
      {
        envelope: {
          commandId: randomUUID(),
          source: topic,
          traceHeaders: {},
          command: { kind: 'delete', productId },
          origin: { topic, partition: 0, offset: '7', value: null, headers: {} },
        },
        parkedAt,
      },
    ]);
    let caughtUp: Date | undefined;
    const sweeper = startParkingSweeper({
      pool: db.pool,
      producer: writer.producer,
      log,
      windowMs: 1_000,
      intervalMs: 60_000,
      createsCaughtUpSince: () => caughtUp,
    });
    try {
      // Position unknown, then caught up only to before the parking: its create may still come.
      expect(await sweeper.sweep()).toBe(0);
      caughtUp = new Date(parkedAt.getTime() - 1_000);
      expect(await sweeper.sweep()).toBe(0);
      expect(await countParkedCommands(db.pool)).toBe(1);

      caughtUp = new Date();
      expect(await sweeper.sweep()).toBe(1);
      expect(await countParkedCommands(db.pool)).toBe(0);
    } finally {
      await sweeper.stop();
      await db.drop();
    }
  });

  it('with two writer instances, dead-letters each expired command exactly once and counts it', async () => {
    const db = await createTestDatabase(testEndpoints().postgresUrl);
    const log = createLogger({ service: 'sweeper-test', level: 'silent' });
    const topic = writer.topics.commands.delete;
    const ids = Array.from({ length: 40 }, () => randomUUID());
    await parkCommands(
      db.pool,
      ids.map((productId, i) => ({
        envelope: {
          commandId: randomUUID(),
          source: topic,
          traceHeaders: {},
          command: { kind: 'delete', productId },
          origin: { topic, partition: 0, offset: String(i), value: Buffer.from([i]), headers: {} },
        },
        parkedAt: new Date(Date.now() - 60_000),
      })),
    );
    const registries = [createRegistry('a'), createRegistry('b')];
    const sweepers = registries.map((registry) =>
      startParkingSweeper({
        pool: db.pool,
        producer: writer.producer,
        log,
        windowMs: 1_000,
        intervalMs: 20,
        batchSize: 3,
        metrics: parkingMetrics(registry, () => countParkedCommands(db.pool)),
        createsCaughtUpSince: () => new Date(),
      }),
    );
    try {
      await until(async () => (await countParkedCommands(db.pool)) === 0);
      await until(() => ids.every((id) => deadFor(id).length > 0));
      // A trailing dead letter on the same topic: any duplicate would have arrived before it.
      const marker = randomUUID();
      await parkCommands(db.pool, [
        {
          envelope: {
            commandId: randomUUID(),
            source: topic,
            traceHeaders: {},
            command: { kind: 'delete', productId: marker },
            origin: { topic, partition: 0, offset: '99', value: null, headers: {} },
          },
          parkedAt: new Date(Date.now() - 60_000),
        },
      ]);
      await until(() => deadFor(marker).length === 1);
      for (const id of ids) expect(deadFor(id)).toHaveLength(1);

      const counted = await Promise.all(
        registries.map(
          async (r) => (await r.getSingleMetric('parked_commands_dead_lettered_total')?.get())?.values,
        ),
      );
      const total = counted.flat().reduce((sum, v) => sum + (v?.value ?? 0), 0);
      expect(total).toBe(ids.length + 1);
      const gauge = await registries[0]?.getSingleMetric('parked_commands')?.get();
      expect(gauge?.values[0]?.value).toBe(0);
    } finally {
      await Promise.all(sweepers.map((s) => s.stop()));
      await db.drop();
    }
  });
});
