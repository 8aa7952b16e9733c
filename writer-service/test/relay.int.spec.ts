import { randomUUID } from 'node:crypto';
import { type ProductTopics, productTopics } from '@cqrs-products/contracts';
import { createKafka, createProducer, ensureTopics, type Producer } from '@cqrs-products/kafka';
import { createLogger } from '@cqrs-products/logger';
import {
  createTestDatabase,
  type TestDatabase,
  testEndpoints,
  uniqueName,
  untilCollectedToEnd,
} from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Relay, startRelay } from '../src/outbox/relay.js';
import { countPending } from '../src/postgres/outbox.repository.js';
import { createCommandHandler, type HandleCommand } from '../src/product-command.handler.js';
import {
  type Collector,
  collect,
  eventVersion,
  type ReceivedEvent,
  silentLog,
  until,
} from './support/harness.js';

const log = createLogger({ service: 'relay-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const kafka = createKafka({ brokers: testEndpoints().kafkaBrokers, clientId: 'relay-test' }, silentLog);
let db: TestDatabase;
let topics: ProductTopics;
let handle: HandleCommand;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  db = await createTestDatabase(testEndpoints().postgresUrl);
  topics = productTopics(`${uniqueName('relay')}_`);
  await ensureTopics(kafka, Object.values(topics.events), { partitions: 3, replicationFactor: 1 });
  handle = createCommandHandler({ pool: db.pool, eventTopics: topics.events });
});
afterAll(async () => {
  for (const stop of cleanup.reverse()) await stop();
  await db?.drop();
});

/** A relay as a second writer instance would run it: its own producer, the shared database. */
async function relayInstance(options: { batchSize: number; producer?: Producer }): Promise<Relay> {
  let producer = options.producer;
  if (!producer) {
    const own = createProducer(
      createKafka({ brokers: testEndpoints().kafkaBrokers, clientId: 'relay' }, silentLog),
    );
    await own.connect();
    cleanup.push(() => own.disconnect());
    producer = own;
  }
  const relay = await startRelay({
    pool: db.pool,
    producer,
    log,
    batchSize: options.batchSize,
    pollIntervalMs: 50,
    retry: { initialMs: 20, maxMs: 50 },
  });
  cleanup.push(() => relay.stop());
  return relay;
}

/** create, `updates` updates, delete: one product's whole life, one command after the other. */
async function lifeOf(productId: string, updates: number): Promise<void> {
  const run = (command: Parameters<HandleCommand>[0]['command']) =>
    handle({ commandId: randomUUID(), source: 'test', traceHeaders: {}, command });
  await run({ kind: 'create', productId, name: 'Chair', description: 'A chair', price: 0 });
  for (let price = 1; price <= updates; price++)
    await run({ kind: 'update', productId, name: 'Chair', description: 'A chair', price });
  await run({ kind: 'delete', productId });
}

const byProduct = (messages: readonly ReceivedEvent[]) => {
  const versions = new Map<string, number[]>();
  for (const message of messages)
    versions.set(message.key, [...(versions.get(message.key) ?? []), eventVersion(message)]);
  return versions;
};

describe('outbox relay', () => {
  it('with two relays on one database, every row is published exactly once and each product stays in order', async () => {
    const events: Collector = await collect(kafka, Object.values(topics.events));
    cleanup.push(() => events.stop());
    // A backlog first (as after an outage), then both relays at once with small batches, so that
    // they contend for neighbouring rows many times. (Without the relay lock, this fails by
    // publishing some product's versions out of order.)
    // One product after the other, so neighbouring rows mostly belong to the same product.
    const products = Array.from({ length: 3 }, () => randomUUID());
    const updates = 40;
    for (const id of products) await lifeOf(id, updates);
    const total = products.length * (updates + 2);
    const [first] = await Promise.all([relayInstance({ batchSize: 2 }), relayInstance({ batchSize: 2 })]);

    await until(() => events.messages.length >= total, { timeoutMs: 30_000 });
    // Everything published is collected before counting, so a duplicate cannot arrive afterwards.
    await until(async () => (await countPending(db.pool)) === 0);
    await untilCollectedToEnd(kafka, events.messages, Object.values(topics.events));
    expect(events.messages).toHaveLength(total);
    expect(await countPending(db.pool)).toBe(0);

    const updated = byProduct(events.messages.filter((m) => m.topic === topics.events.updated));
    const all = byProduct(events.messages);
    for (const id of products) {
      expect([...(all.get(id) ?? [])].sort((a, b) => a - b)).toEqual(
        Array.from({ length: updates + 2 }, (_, i) => i + 1),
      );
      // Within a topic (one partition per product) arrival order is publish order.
      expect(updated.get(id)).toEqual(Array.from({ length: updates }, (_, i) => i + 2));
    }

    // One instance goes away: the other one carries on alone.
    await first.stop();
    const late = randomUUID();
    await lifeOf(late, 1);
    await until(() => events.messages.filter((m) => m.key === late).length === 3);
    expect(await countPending(db.pool)).toBe(0);
  });

  it('a failed send leaves the rows unpublished and is retried, in the same order, until it succeeds', async () => {
    type Sent = { topic: string; messages: Omit<ReceivedEvent, 'topic' | 'partition'>[] };
    const sent: number[][] = [];
    let failuresLeft = 3;
    const flakyProducer = {
      sendBatch: async (batch: { topicMessages: Sent[] }) => {
        if (failuresLeft-- > 0) throw new Error('broker unavailable');
        sent.push(
          batch.topicMessages.flatMap(({ topic, messages }) =>
            messages.map((m) => eventVersion({ ...m, topic, partition: 0 })),
          ),
        );
        return [];
      },
    } as unknown as Producer;
    // Only this relay runs on the rows below: the first test's relays have stopped by now.
    for (const stop of cleanup.splice(0).reverse()) await stop();

    const productId = randomUUID();
    await lifeOf(productId, 2);
    expect(await countPending(db.pool)).toBe(4);

    await relayInstance({ batchSize: 10, producer: flakyProducer });
    await until(async () => (await countPending(db.pool)) === 0);
    expect(failuresLeft).toBeLessThan(0);
    // One batch, grouped by topic (created, updated, deleted), each topic in version order.
    expect(sent).toEqual([[1, 2, 3, 4]]);
  });
});
