import {
  decodeMessage,
  encodeProductMessage,
  headerNames,
  protobufContentType,
} from '@cqrs-products/contracts';
import { uniqueName, until } from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsumerRunnerOptions,
  deadLetterHeaders,
  deadLetterTopic,
  ensureTopics,
  type Kafka,
  type KafkaMessage,
  PoisonMessageError,
  type Producer,
  type ReceivedMessage,
  sendMessage,
} from '../src/index.js';
import { fastRetry, type KafkaFixture, kafkaFixture } from './support/kafka-fixture.js';

let fixture: KafkaFixture;
let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  fixture = await kafkaFixture('kafka-int-test');
  ({ kafka, producer } = fixture);
});
afterAll(() => fixture?.close());

const freshTopic = () => fixture.freshTopic();
const consume = (
  topic: string,
  handle: ConsumerRunnerOptions['handle'],
  extra: Partial<ConsumerRunnerOptions> = {},
) => fixture.consume(topic, { handle, ...extra });
const collect = (topic: string) => fixture.collect(topic);
const send = (topic: string, key: string, value?: string) => fixture.send(topic, key, value);

describe('topics', () => {
  it('creates missing topics with the configured partitions, and leaves existing ones alone', async () => {
    const topic = uniqueName('test_kafka');
    await ensureTopics(kafka, [topic], { partitions: 3, replicationFactor: 1 });
    await ensureTopics(kafka, [topic], { partitions: 5, replicationFactor: 1 });

    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });
});

describe('producer and consumer', () => {
  it('deliver a protobuf command with its key and headers to a consumer group', async () => {
    const topic = await freshTopic();
    const productId = 'c0ffee00-1111-4222-8333-444455556666';
    const received: ReceivedMessage[] = [];
    await consume(topic, async (m) => {
      received.push(m);
    });

    const command = encodeProductMessage({
      topic,
      type: 'ProductCreate',
      key: productId,
      value: { ProductID: productId, Name: 'Lamp', Description: 'A desk lamp', Price: 19.99 },
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    await sendMessage(producer, command);

    await until(() => received.length === 1);
    const message = received[0]?.message as KafkaMessage;
    expect(message.key?.toString()).toBe(productId);
    expect(message.headers?.[headerNames.messageId]?.toString()).toBe(command.messageId);
    expect(message.headers?.[headerNames.contentType]?.toString()).toBe(protobufContentType);
    expect(message.headers?.traceparent?.toString()).toMatch(/^00-0af7/);
    expect(decodeMessage('ProductCreate', message.value ?? Buffer.alloc(0))).toEqual({
      ProductID: productId,
      Name: 'Lamp',
      Description: 'A desk lamp',
      Price: 19.99,
    });
  });

  it('dead-letters a poison message with where and why it failed, and keeps the partition flowing', async () => {
    const topic = await freshTopic();
    const handled: string[] = [];
    await consume(topic, async ({ message }) => {
      if (message.value?.toString() === 'poison')
        throw new PoisonMessageError('cannot decode', 'UNDECODABLE');
      handled.push(message.value?.toString() ?? '');
    });
    const dlq = await collect(deadLetterTopic(topic));

    await send(topic, 'k', 'poison');
    await send(topic, 'k', 'next');

    await until(() => handled.length === 1 && dlq.length === 1);
    expect(handled).toEqual(['next']);
    const dead = dlq[0] as KafkaMessage;
    expect(dead.value?.toString()).toBe('poison');
    expect(dead.key?.toString()).toBe('k');
    const header = (name: string) => dead.headers?.[name]?.toString();
    expect(header(deadLetterHeaders.error)).toBe('cannot decode');
    expect(header(deadLetterHeaders.errorCode)).toBe('UNDECODABLE');
    expect(header(deadLetterHeaders.originalTopic)).toBe(topic);
    expect(header(deadLetterHeaders.originalPartition)).toBe('0');
    expect(header(deadLetterHeaders.originalOffset)).toBe('0');
    expect(header(deadLetterHeaders.attempts)).toBe('1');
  });

  it('retries a transient failure until it succeeds, in order, without dead-lettering', async () => {
    const topic = await freshTopic();
    let failuresLeft = 8; // more than the in-place attempts, so the partition must pause and resume
    const handled: string[] = [];
    const outcomes: string[] = [];
    await consume(
      topic,
      async ({ message }) => {
        if (failuresLeft > 0) {
          failuresLeft--;
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        }
        handled.push(message.value?.toString() ?? '');
      },
      { onOutcome: (_, outcome) => outcomes.push(outcome) },
    );
    const dlq = await collect(deadLetterTopic(topic));

    await send(topic, 'k', 'first');
    await send(topic, 'k', 'second');

    await until(() => handled.length === 2);
    expect(handled).toEqual(['first', 'second']);
    expect(outcomes.filter((o) => o === 'retried').length).toBeGreaterThanOrEqual(2);
    expect(dlq).toEqual([]);
  });

  it('dead-letters a message that keeps failing for an unknown reason after bounded attempts', async () => {
    const topic = await freshTopic();
    let calls = 0;
    await consume(topic, async () => {
      calls++;
      throw new TypeError('cannot read properties of undefined');
    });
    const dlq = await collect(deadLetterTopic(topic));

    await send(topic, 'k', 'bug');

    await until(() => dlq.length === 1);
    // In place, then once more after one paused round.
    const attempts = fastRetry.attempts * (fastRetry.pauseRounds + 1);
    expect(calls).toBe(attempts);
    expect(dlq[0]?.headers?.[deadLetterHeaders.attempts]?.toString()).toBe(String(attempts));
  });

  it('does not dead-letter an unknown failure while a dependency is unhealthy', async () => {
    const topic = await freshTopic();
    let healthy = false;
    let calls = 0;
    const handled: string[] = [];
    await consume(
      topic,
      async ({ message }) => {
        calls++;
        if (!healthy) throw new Error('Connection terminated unexpectedly');
        handled.push(message.value?.toString() ?? '');
      },
      { dependenciesHealthy: async () => healthy },
    );
    const dlq = await collect(deadLetterTopic(topic));

    await send(topic, 'k', 'kept');
    await until(() => calls > fastRetry.attempts * (fastRetry.pauseRounds + 2));
    healthy = true;

    await until(() => handled.length === 1);
    expect(handled).toEqual(['kept']);
    expect(dlq).toEqual([]);
  });

  it('gives a message its full rounds for unknown failures after an outage, however long the outage was', async () => {
    const topic = await freshTopic();
    const outageCalls = fastRetry.attempts * 3; // three paused rounds of connection errors
    const unknownCalls = fastRetry.attempts * fastRetry.pauseRounds; // then "not found yet"
    let calls = 0;
    const handled: string[] = [];
    await consume(topic, async ({ message }) => {
      calls++;
      if (calls <= outageCalls)
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      if (calls <= outageCalls + unknownCalls) throw new Error('product not found (its create is late)');
      handled.push(message.value?.toString() ?? '');
    });
    const dlq = await collect(deadLetterTopic(topic));

    await send(topic, 'k', 'update after create');

    await until(() => handled.length === 1, { timeoutMs: 30_000 });
    expect(handled).toEqual(['update after create']);
    expect(dlq).toEqual([]);
  });
});
