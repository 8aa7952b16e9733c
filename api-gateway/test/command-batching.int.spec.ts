import { decodeMessage, productTopics } from '@cqrs-products/contracts';
import { createKafka, createProducer, ensureTopics, type Producer } from '@cqrs-products/kafka';
import { createLogger } from '@cqrs-products/logger';
import { createRegistry } from '@cqrs-products/metrics';
import {
  type CollectedMessage,
  type Collector,
  collectMessages,
  testEndpoints,
  uniqueName,
  untilCollectedToEnd,
} from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReaderClient } from '../src/grpc/reader.client.js';
import { buildApp } from '../src/http/app.js';
import type { CommandBatching } from '../src/kafka/command-batching.js';
import { commandPublisherMetrics } from '../src/kafka/command-publisher.metrics.js';
import { productCommands } from '../src/kafka/product-commands.producer.js';

const log = createLogger({ service: 'api-gateway-test', level: 'silent' });
const kafka = createKafka({ brokers: testEndpoints().kafkaBrokers, clientId: 'gateway-batching-test' }, log);
const unusedReader = {} as ReaderClient;
const valid = { name: 'Desk lamp', description: 'A warm LED desk lamp', price: 49.9 };
const admin = kafka.admin();
let producer: Producer;
let collector: Collector;

/** Each test gets its own topic prefix, so counting a topic counts that test's commands only. */
const prefixes = {
  creates: `${uniqueName('gwb')}_`,
  order: `${uniqueName('gwb')}_`,
  refusal: `${uniqueName('gwb')}_`,
  stop: `${uniqueName('gwb')}_`,
};
const topicsOf = (prefix: string) => productTopics(prefix).commands;
const allTopics = Object.values(prefixes).flatMap((prefix) => Object.values(topicsOf(prefix)));

beforeAll(async () => {
  await ensureTopics(kafka, allTopics, { partitions: 3, replicationFactor: 1 });
  await admin.connect();
  producer = createProducer(kafka);
  await producer.connect();
  collector = await collectMessages(kafka, allTopics, { groupPrefix: 'gwb_test' });
});
afterAll(async () => {
  await collector?.stop();
  await producer?.disconnect();
  await admin.disconnect();
});

/** How many messages a fresh topic holds: the sum of its partitions' end offsets. */
async function stored(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
}

/** Waits until the collector has read everything the topic holds, then returns it. */
async function allOf(topic: string): Promise<CollectedMessage[]> {
  await untilCollectedToEnd(kafka, collector.messages, [topic]);
  return collector.messages.filter((m) => m.topic === topic);
}

const keysOf = (messages: readonly CollectedMessage[]) => messages.map((m) => m.key);

async function gateway(prefix: string, batching?: CommandBatching) {
  const metrics = commandPublisherMetrics(createRegistry('api-gateway-test'));
  const commands = productCommands(producer, prefix, { ...(batching ? { batching } : {}), metrics });
  const app = await buildApp({ log, bodyLimitBytes: 16_384, commands, reader: unusedReader });
  /** Produce requests sent, and the commands in them, from the batch size histogram. */
  const batches = async () => {
    const { values } = await metrics.batchSize.get();
    const value = (suffix: string) =>
      values.find((v) => v.metricName === `kafka_producer_batch_messages_${suffix}`)?.value ?? 0;
    return { count: value('count'), messages: value('sum') };
  };
  return { app, commands, batches };
}

describe('command batching against Kafka', () => {
  it('answers 1000 concurrent creates with 201 and puts each command in Kafka exactly once, in fewer requests', async () => {
    const topics = topicsOf(prefixes.creates);
    const { app, batches } = await gateway(prefixes.creates);
    try {
      const responses = await Promise.all(
        Array.from({ length: 1000 }, () =>
          app.inject({ method: 'POST', url: '/api/v1/products', payload: valid }),
        ),
      );

      expect(responses.map((r) => r.statusCode)).toEqual(responses.map(() => 201));
      const ids = responses.map((r) => r.json().productId as string);
      expect(await stored(topics.create)).toBe(1000);
      const keys = keysOf(await allOf(topics.create));
      expect(new Set(keys).size).toBe(1000);
      expect([...keys].sort()).toEqual([...ids].sort());
      const { count, messages } = await batches();
      expect(messages).toBe(1000);
      expect(count).toBeLessThan(1000);
    } finally {
      await app.close();
    }
  });

  it('sends the commands of one product in the order they were given, across many batches', async () => {
    const topics = topicsOf(prefixes.order);
    const { commands, batches } = await gateway(prefixes.order, {
      lingerMs: 1,
      maxBatch: 7,
      maxQueued: 1_000,
    });
    const products = Array.from({ length: 40 }, () => crypto.randomUUID());
    const updatesEach = 10;

    // Without waiting for acks, round-robin over the products: every batch mixes products and
    // each product's updates are spread over several batches.
    const published: Promise<string>[] = [];
    for (let price = 0; price < updatesEach; price += 1)
      for (const id of products) published.push(commands.update(id, { ...valid, price }));
    await Promise.all(published);

    const messages = await allOf(topics.update);
    expect(messages).toHaveLength(products.length * updatesEach);
    for (const id of products) {
      const prices = messages
        .filter((m) => m.key === id)
        .map((m) => decodeMessage('ProductUpdate', m.value).Price);
      expect(prices).toEqual(Array.from({ length: updatesEach }, (_, i) => i));
    }
    expect((await batches()).count).toBeGreaterThanOrEqual(Math.ceil(published.length / 7));
  });

  it('with a tiny queue, refuses part of a burst with 503 and Retry-After; every 200 is in Kafka, no 503 is', async () => {
    const topics = topicsOf(prefixes.refusal);
    // A long linger holds the first commands queued, so the rest of the burst finds the queue full.
    const { app } = await gateway(prefixes.refusal, { lingerMs: 300, maxBatch: 100, maxQueued: 5 });
    const ids = Array.from({ length: 100 }, () => crypto.randomUUID());
    try {
      const responses = await Promise.all(
        ids.map((id) => app.inject({ method: 'DELETE', url: `/api/v1/products/${id}` })),
      );

      const accepted = ids.filter((_, i) => responses[i]?.statusCode === 200);
      const refused = responses.filter((r) => r.statusCode === 503);
      expect(accepted.length).toBeGreaterThanOrEqual(5);
      expect(refused.length).toBeGreaterThan(0);
      expect(accepted.length + refused.length).toBe(ids.length);
      for (const response of refused) {
        expect(response.headers['retry-after']).toBe('1');
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.json()).toMatchObject({
          type: 'urn:cqrs-products:problem:command-queue-full',
          status: 503,
        });
      }
      expect(await stored(topics.delete)).toBe(accepted.length);
      expect(keysOf(await allOf(topics.delete)).sort()).toEqual([...accepted].sort());
    } finally {
      await app.close();
    }
  });

  it('on stop sends the commands still lingering before it resolves', async () => {
    const topics = topicsOf(prefixes.stop);
    const { commands } = await gateway(prefixes.stop, { lingerMs: 60_000, maxBatch: 100, maxQueued: 100 });
    const ids = Array.from({ length: 3 }, () => crypto.randomUUID());

    const published = ids.map((id) => commands.create(id, valid));
    await commands.stop();

    await expect(Promise.all(published)).resolves.toHaveLength(3);
    await expect(commands.create(crypto.randomUUID(), valid)).rejects.toMatchObject({ reason: 'stopping' });
    expect(await stored(topics.create)).toBe(3);
    expect(keysOf(await allOf(topics.create)).sort()).toEqual([...ids].sort());
  });
});
