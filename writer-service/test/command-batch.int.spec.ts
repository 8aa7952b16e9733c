import { randomUUID } from 'node:crypto';
import { eventVersion, headerNames, productTopics } from '@cqrs-products/contracts';
import { classifyFailure, type ReceivedMessage } from '@cqrs-products/kafka';
import { createTestDatabase, type TestDatabase, testEndpoints } from '@cqrs-products/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductCommand } from '../src/domain/product.js';
import { poisonCodes } from '../src/kafka/command-message.js';
import { handleCommandBatch } from '../src/kafka/product-commands.consumer.js';
import {
  type CommandEnvelope,
  createBatchHandler,
  type HandleCommands,
} from '../src/product-command.handler.js';
import { encodeCommand, until } from './support/harness.js';

// The writer's consumer passes no classifier: the postgres adapter names a connection error
// DEPENDENCY_UNAVAILABLE, and the runner's default reads its `retryable`.
const classifyCommandFailure = classifyFailure;

const topics = productTopics('batch_');
let db: TestDatabase;
let pool: pg.Pool;
let handle: HandleCommands;

beforeAll(async () => {
  db = await createTestDatabase(testEndpoints().postgresUrl);
  // Its own pool, so that terminating one of its connections leaves the test's pool alone.
  pool = new pg.Pool({ connectionString: db.url, max: 6 });
  pool.on('error', () => {});
  handle = createBatchHandler({ pool, eventTopics: topics.events });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const fields = (price: number) => ({ name: 'Lamp', description: 'A lamp', price });
const envelope = (command: ProductCommand, origin = true): CommandEnvelope => ({
  commandId: randomUUID(),
  source: 'test',
  traceHeaders: {},
  command,
  ...(origin && {
    origin: { topic: topics.commands.update, partition: 0, offset: '0', value: null, headers: {} },
  }),
});
const create = (productId: string, price = 1) => envelope({ kind: 'create', productId, ...fields(price) });
const update = (productId: string, price: number) =>
  envelope({ kind: 'update', productId, ...fields(price) });

const outboxOf = async (productId: string) =>
  (
    await db.pool.query<{ message_type: string; topic: string }>(
      'SELECT message_type, topic FROM outbox WHERE aggregate_id = $1 ORDER BY id',
      [productId],
    )
  ).rows.map((r) => `${r.message_type} ${r.topic}`);
const versionOf = async (productId: string) =>
  (await db.pool.query('SELECT version FROM products WHERE product_id = $1', [productId])).rows[0]?.version;
const snapshot = async () => ({
  products: (await db.pool.query('SELECT * FROM products ORDER BY product_id')).rows,
  outbox: (await db.pool.query('SELECT id, aggregate_id, message_type FROM outbox ORDER BY id')).rows,
  processed: (await db.pool.query('SELECT command_id FROM processed_commands ORDER BY command_id')).rows,
});

describe('one transaction per batch of commands', () => {
  it('create, update, update and delete of one product in one batch: outbox versions 1 to 4, in order', async () => {
    const productId = randomUUID();
    const batch = [
      create(productId),
      update(productId, 2),
      update(productId, 3),
      envelope({ kind: 'delete', productId }),
    ];

    const outcomes = await handle(batch);

    expect(outcomes.map((o) => (o.kind === 'applied' ? o.event.type : o.kind))).toEqual([
      'ProductCreated',
      'ProductUpdated',
      'ProductUpdated',
      'ProductDeleted',
    ]);
    expect(await outboxOf(productId)).toEqual([
      `ProductCreated ${topics.events.created}`,
      `ProductUpdated ${topics.events.updated}`,
      `ProductUpdated ${topics.events.updated}`,
      `ProductDeleted ${topics.events.deleted}`,
    ]);
    const versions = outcomes.map((o) => (o.kind === 'applied' ? eventVersion(o.event) : 0));
    expect(versions).toEqual([1, 2, 3, 4]);
    expect(await versionOf(productId)).toBeUndefined();
  });

  it('a redelivered batch changes nothing: products, outbox and processed ids stay as they were', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const batch = [create(a), create(b), update(a, 5)];
    await handle(batch);
    const before = await snapshot();

    const again = await handle(batch);

    expect(again.map((o) => o.kind)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await snapshot()).toEqual(before);
  });

  it('a poison message and a taken id in the middle of a batch are dead-lettered alone; their neighbours apply', async () => {
    const [first, taken, last] = [randomUUID(), randomUUID(), randomUUID()];
    await handle([create(taken)]);
    const takenAgain = randomUUID();
    const message = (
      productId: string,
      value: Buffer,
      messageId = randomUUID(),
      offset = 0,
    ): ReceivedMessage => ({
      topic: topics.commands.create,
      partition: 0,
      message: {
        key: Buffer.from(productId),
        value,
        headers: { [headerNames.messageId]: messageId },
        offset: String(offset),
        timestamp: '0',
        attributes: 0,
      },
    });
    const lamp = (productId: string) =>
      encodeCommand('create', { ProductID: productId, Name: 'Lamp', Description: 'A lamp', Price: 1 });

    const verdicts = await handleCommandBatch(topics.commands, handle)(
      [
        message(first, lamp(first)),
        message(randomUUID(), Buffer.from([0xff, 0xfe, 0x00])),
        message(taken, lamp(taken), takenAgain),
        message(last, lamp(last)),
      ],
      { heartbeat: async () => {} },
    );

    expect(verdicts?.map((v) => (v.kind === 'done' ? 'done' : (v.error as { code?: string }).code))).toEqual([
      'done',
      poisonCodes.undecodable,
      'PRODUCT_ALREADY_EXISTS',
      'done',
    ]);
    expect([await versionOf(first), await versionOf(taken), await versionOf(last)]).toEqual(['1', '1', '1']);
    // Rejected, not processed: a redelivery is rejected again rather than taken for a no-op.
    const kept = await db.pool.query('SELECT 1 FROM processed_commands WHERE command_id = $1', [takenAgain]);
    expect(kept.rowCount).toBe(0);
  });

  it('a batch whose connection dies mid-way leaves nothing half applied; its retry applies everything once', async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    const batch = ids.map((id) => create(id));
    // Holds the outbox so the batch stops at its outbox insert, after its products were written.
    const blocker = await db.pool.connect();
    let outcome: Promise<unknown>;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE outbox IN EXCLUSIVE MODE');
      outcome = handle(batch).then(
        () => 'committed',
        (error: unknown) => error,
      );
      const waiting = async () =>
        (
          await db.pool.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
             AND query LIKE '%INSERT INTO outbox%'`,
          )
        ).rows;
      await until(async () => (await waiting()).length === 1);
      const [backend] = await waiting();
      await db.pool.query('SELECT pg_terminate_backend($1)', [backend?.pid]);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }

    const error = await outcome;
    expect(error).toBeInstanceOf(Error);
    // The runner pauses and retries such a batch rather than dead-lettering its messages.
    expect(classifyCommandFailure(error)).toBe('transient');
    for (const id of ids) expect(await versionOf(id)).toBeUndefined();
    const processed = await db.pool.query('SELECT 1 FROM processed_commands WHERE command_id = ANY($1)', [
      batch.map((e) => e.commandId),
    ]);
    expect(processed.rowCount).toBe(0);

    expect((await handle(batch)).map((o) => o.kind)).toEqual(ids.map(() => 'applied'));
    for (const id of ids) {
      expect(await versionOf(id)).toBe('1');
      expect(await outboxOf(id)).toEqual([`ProductCreated ${topics.events.created}`]);
    }
  });
});

describe('batches running at the same time', () => {
  it('two batches updating the same products in opposite orders neither deadlock nor lose an update', async () => {
    const ids = Array.from({ length: 20 }, () => randomUUID());
    await handle(ids.map((id) => create(id)));
    const rounds = 10;
    await Promise.all(
      Array.from({ length: rounds }, async (_, round) => {
        const ordered = round % 2 === 0 ? ids : [...ids].reverse();
        await handle(ordered.map((id) => update(id, round)));
      }),
    );
    for (const id of ids) {
      expect(await versionOf(id)).toBe(String(1 + rounds));
      expect(await outboxOf(id)).toHaveLength(1 + rounds);
    }
  });

  it('an update racing its create is applied either way: parked and taken, or applied after it', async () => {
    const ids = Array.from({ length: 20 }, () => randomUUID());
    await Promise.all(ids.flatMap((id) => [handle([update(id, 7)]), handle([create(id)])]));
    for (const id of ids) expect(await versionOf(id)).toBe('2');
    const parked = await db.pool.query('SELECT 1 FROM parked_commands WHERE product_id = ANY($1)', [ids]);
    expect(parked.rowCount).toBe(0);
  });
});
