import { testEndpoints, uniqueName } from '@cqrs-products/testing';
import {
  type ConsumerRunner,
  type ConsumerRunnerOptions,
  createKafka,
  createProducer,
  deadLetterTopic,
  ensureTopics,
  type Kafka,
  type KafkaMessage,
  type Producer,
  type RetryPolicy,
  startConsumer,
} from '../../src/index.js';

export const silent = { error() {}, warn() {}, info() {}, debug() {} };

export const fastRetry: RetryPolicy = {
  attempts: 3,
  backoff: { initialMs: 10, maxMs: 20 },
  pause: { initialMs: 200, maxMs: 400 },
  pauseRounds: 1,
};

export interface KafkaFixture {
  readonly kafka: Kafka;
  readonly producer: Producer;
  /** A fresh topic (and its DLQ) with one partition, so messages are seen in the order sent. */
  freshTopic(): Promise<string>;
  /** Starts a consumer (fast retries, its own group unless given) that the fixture stops at the end. */
  consume(topic: string, options: Partial<ConsumerRunnerOptions>): Promise<ConsumerRunner>;
  /** Collects every message of a topic (e.g. a DLQ) as it arrives. */
  collect(topic: string): Promise<KafkaMessage[]>;
  send(topic: string, key: string, value?: string): Promise<unknown>;
  /** Several messages in one produce request, so a consumer fetches them as one batch. */
  sendAll(topic: string, values: readonly string[]): Promise<unknown>;
  close(): Promise<void>;
}

export async function kafkaFixture(clientId: string): Promise<KafkaFixture> {
  const kafka = createKafka({ brokers: testEndpoints().kafkaBrokers, clientId }, silent);
  const producer = createProducer(kafka);
  await producer.connect();
  const runners: ConsumerRunner[] = [];

  const consume = async (topic: string, options: Partial<ConsumerRunnerOptions>) => {
    const runner = await startConsumer({
      kafka,
      groupId: uniqueName('group'),
      topics: [topic],
      deadLetterProducer: producer,
      log: silent,
      retry: fastRetry,
      ...options,
    });
    runners.push(runner);
    return runner;
  };

  return {
    kafka,
    producer,
    freshTopic: async () => {
      const topic = uniqueName('test_kafka');
      await ensureTopics(kafka, [topic, deadLetterTopic(topic)], { partitions: 1, replicationFactor: 1 });
      return topic;
    },
    consume,
    collect: async (topic) => {
      const seen: KafkaMessage[] = [];
      await consume(topic, {
        handle: async ({ message }) => {
          seen.push(message);
        },
      });
      return seen;
    },
    send: (topic, key, value = 'payload') => producer.send({ topic, acks: -1, messages: [{ key, value }] }),
    sendAll: (topic, values) =>
      producer.send({ topic, acks: -1, messages: values.map((value) => ({ key: 'k', value })) }),
    close: async () => {
      await Promise.all(runners.map((runner) => runner.stop()));
      await producer.disconnect();
    },
  };
}
