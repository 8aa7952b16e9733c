import { decodeMessage, headerNames, protobufContentType } from '@cqrs-products/contracts';
import { testEndpoints, uniqueName } from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKafka,
  createProducer,
  ensureTopics,
  type Kafka,
  type Producer,
  type ReceivedMessage,
  sendMessage,
  startConsumer,
} from '../src/index.js';

const silent = { error() {}, warn() {}, info() {}, debug() {} };
const topic = uniqueName('test_kafka');
let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  kafka = createKafka({ brokers: testEndpoints().kafkaBrokers, clientId: 'kafka-int-test' }, silent);
  await ensureTopics(kafka, [topic], { partitions: 3, replicationFactor: 1 });
  producer = createProducer(kafka);
  await producer.connect();
});
afterAll(() => producer?.disconnect());

describe('Kafka', () => {
  it('creates missing topics with the configured partitions, and leaves existing ones alone', async () => {
    await ensureTopics(kafka, [topic], { partitions: 5, replicationFactor: 1 });
    const admin = kafka.admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.disconnect();
    expect(metadata.topics[0]?.partitions).toHaveLength(3);
  });

  it('delivers a protobuf command with its key and headers to a consumer group', async () => {
    const productId = 'c0ffee00-1111-4222-8333-444455556666';
    const received = new Promise<ReceivedMessage>((resolve) => {
      startConsumer({
        kafka,
        groupId: uniqueName('group'),
        topics: [topic],
        handle: async (m) => resolve(m),
      }).then((runner) => afterAll(() => runner.stop()));
    });

    const messageId = await sendMessage(producer, {
      topic,
      type: 'ProductCreate',
      key: productId,
      value: { ProductID: productId, Name: 'Lamp', Description: 'A desk lamp', Price: 19.99 },
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });

    const { message } = await received;
    expect(message.key?.toString()).toBe(productId);
    expect(message.headers?.[headerNames.messageId]?.toString()).toBe(messageId);
    expect(message.headers?.[headerNames.contentType]?.toString()).toBe(protobufContentType);
    expect(message.headers?.traceparent?.toString()).toMatch(/^00-0af7/);
    expect(decodeMessage('ProductCreate', message.value ?? Buffer.alloc(0))).toEqual({
      ProductID: productId,
      Name: 'Lamp',
      Description: 'A desk lamp',
      Price: 19.99,
    });
  });
});
