import { randomUUID } from 'node:crypto';
import {
  type CommandKind,
  decodeMessage,
  encodeMessage,
  encodeProductMessage,
  headerNames,
  type KafkaMessages,
  type ProductTopics,
  productTopics,
} from '@cqrs-products/contracts';
import { createKafka, createProducer, type Kafka, type Producer, sendMessage } from '@cqrs-products/kafka';
import {
  type CollectedMessage,
  type Collector,
  collectMessages,
  createTestDatabase,
  type TestDatabase,
  testEndpoints,
  uniqueName,
} from '@cqrs-products/testing';
import { type Config, configSchema } from '../../src/config.js';
import { start, type WriterService } from '../../src/start.js';

export const silentLog = { error() {}, warn() {}, info() {}, debug() {} };

/** Config for an in-process writer: ports 0, its own database, topic prefix and consumer group. */
export function testConfig(overrides: {
  postgresUrl: string;
  topicPrefix: string;
  parkWindowMs?: number;
  metricsPort?: number;
}): Config {
  return configSchema.parse({
    serviceName: 'writer-service-test',
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    host: '127.0.0.1',
    grpc: { port: 0 },
    probes: { port: 0 },
    metrics: { port: overrides.metricsPort ?? 0 },
    kafka: {
      brokers: testEndpoints().kafkaBrokers,
      groupId: uniqueName('writer'),
      topicPrefix: overrides.topicPrefix,
      topics: { create: true, partitions: 3, replicationFactor: 1 },
    },
    postgres: { url: overrides.postgresUrl, poolSize: 5 },
    outbox: { pollIntervalMs: 200, batchSize: 50 },
    ...(overrides.parkWindowMs !== undefined && { commands: { parkWindowMs: overrides.parkWindowMs } }),
  });
}

export interface TestWriter {
  /** The running service (a new one after restart()). */
  readonly service: WriterService;
  readonly db: TestDatabase;
  readonly topics: ProductTopics;
  readonly config: Config;
  readonly kafka: Kafka;
  /** Sends commands like the gateway does. */
  readonly producer: Producer;
  send<K extends CommandKind>(kind: K, value: CommandValue<K>, options?: SendOptions): Promise<string>;
  /**
   * Sends raw messages in ONE produce request to one partition, so that an idle consumer fetches
   * them as one batch. Each gets a new message id unless it has one; returns the ids.
   */
  sendBatch(kind: CommandKind, messages: readonly RawCommand[], partition?: number): Promise<string[]>;
  /** Stops the service, runs `whileDown`, then starts it again on the same database, topics and group. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

type CommandValue<K extends CommandKind> = KafkaMessages[(typeof commandMessage)[K]][0];
const commandMessage = { create: 'ProductCreate', update: 'ProductUpdate', delete: 'ProductDelete' } as const;

/** A command message as bytes (see encodeCommand), for batches and poison. */
export interface RawCommand {
  readonly key: string;
  readonly value: Buffer;
  readonly messageId?: string;
  readonly headers?: Record<string, string>;
}

export function encodeCommand<K extends CommandKind>(kind: K, value: CommandValue<K>): Buffer {
  return encodeMessage(commandMessage[kind], value as never);
}

export interface SendOptions {
  readonly messageId?: string;
  readonly headers?: Record<string, string>;
}

export interface TestWriterOptions {
  /** How long an update of an unknown product stays parked (default: the service's). */
  readonly parkWindowMs?: number;
  /** A known port for the metrics endpoint, for tests that read it (0, any free port, by default). */
  readonly metricsPort?: number;
}

/** A fresh database and topic prefix, and the writer running on them in this process. */
export async function startTestWriter(options: TestWriterOptions = {}): Promise<TestWriter> {
  const db = await createTestDatabase(testEndpoints().postgresUrl);
  const topicPrefix = `${uniqueName('ws')}_`;
  const config = testConfig({ postgresUrl: db.url, topicPrefix, ...options });
  let service = await start(config);
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'writer-test' }, silentLog);
  const producer = createProducer(kafka);
  await producer.connect();
  const topics = productTopics(topicPrefix);
  return {
    get service() {
      return service;
    },
    db,
    topics,
    config,
    kafka,
    producer,
    send: async (kind, value, options = {}) => {
      const command = encodeProductMessage({
        topic: topics.commands[kind],
        type: commandMessage[kind],
        key: (value as { ProductID: string }).ProductID,
        value,
        ...options,
      } as Parameters<typeof encodeProductMessage>[0]);
      await sendMessage(producer, command);
      return command.messageId;
    },
    sendBatch: async (kind, messages, partition = 0) => {
      const ids = messages.map((m) => m.messageId ?? randomUUID());
      await producer.send({
        topic: topics.commands[kind],
        acks: -1,
        messages: messages.map((m, i) => ({
          key: m.key,
          value: m.value,
          partition,
          headers: { ...m.headers, [headerNames.messageId]: ids[i] as string },
        })),
      });
      return ids;
    },
    restart: async (whileDown) => {
      await service.stop();
      await whileDown?.();
      service = await start(config);
    },
    stop: async () => {
      await producer.disconnect();
      await service.stop();
      await db.drop();
    },
  };
}

/** An event or dead letter as the tests read it (shared collector of packages/testing). */
export type ReceivedEvent = CollectedMessage;
export type { Collector };

/** Records every message of the topics, from the beginning, in a consumer group of its own. */
export const collect = (kafka: Kafka, topics: readonly string[]): Promise<Collector> =>
  collectMessages(kafka, topics);

/** The version an event carries, whichever kind it is. */
export function eventVersion(event: ReceivedEvent): number {
  const type = event.headers[headerNames.messageType];
  if (type === 'ProductCreated' || type === 'ProductUpdated')
    return decodeMessage(type, event.value).Product?.Version ?? Number.NaN;
  if (type === 'ProductDeleted') return decodeMessage(type, event.value).Version;
  throw new Error(`not an event: ${type}`);
}

/** A create's or update's fields over the wire: a lamp at a price. */
export const lamp = (productId: string, price = 10) => ({
  ProductID: productId,
  Name: 'Lamp',
  Description: 'A lamp',
  Price: price,
});

/** The product's version in PostgreSQL as the pg driver returns a bigint ('1'), or undefined. */
export const productVersion = async (
  db: Pick<TestDatabase, 'pool'>,
  productId: string,
): Promise<string | undefined> =>
  (await db.pool.query('SELECT version FROM products WHERE product_id = $1', [productId])).rows[0]?.version;

export { until } from '@cqrs-products/testing';
