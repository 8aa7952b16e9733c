import {
  deadLetterTopic,
  type KafkaMessageName,
  type KafkaMessages,
  loadReaderProto,
  type ProductTopics,
  productTopics,
  toTimestamp,
} from '@cqrs-products/contracts';
import {
  createKafka,
  createProducer,
  type Kafka,
  type KafkaMessage,
  type Producer,
  sendMessage,
} from '@cqrs-products/kafka';
import { testEndpoints, uniqueName, until } from '@cqrs-products/testing';
import { type CallOptions, type Client, credentials, type ServiceError } from '@grpc/grpc-js';
import { type Collection, MongoClient } from 'mongodb';
import { type Config, configSchema } from '../../src/config.js';
import type { ProductDocument } from '../../src/mongo/product.repository.js';
import { type ReaderService, start } from '../../src/start.js';

const silent = { error() {}, warn() {}, info() {}, debug() {} };

export interface CallResult<T> {
  readonly error: ServiceError | null;
  readonly value: T | undefined;
}

/** The reader's gRPC methods as plain promises that resolve with the error instead of throwing. */
export type ReaderCall = <T = Record<string, unknown>>(
  method: string,
  request: object,
) => Promise<CallResult<T>>;

export interface WireProduct {
  readonly ProductID: string;
  readonly Name: string;
  readonly Description: string;
  readonly Price: number;
  readonly Version: number;
}

export interface ReaderHarness {
  readonly config: Config;
  readonly service: ReaderService;
  readonly topics: ProductTopics['events'];
  readonly kafka: Kafka;
  readonly producer: Producer;
  /** The reader's own collection, for asserting what the read model stores. */
  readonly products: Collection<ProductDocument>;
  readonly call: ReaderCall;
  readonly address: string;
  created(product: WireProduct): Promise<void>;
  updated(product: WireProduct): Promise<void>;
  deleted(productId: string, version: number): Promise<void>;
  /** Sends raw bytes to an event topic (for poison messages). */
  sendRaw(topic: string, key: string, value: Buffer): Promise<void>;
  /** Resolves when the reader has committed every message sent so far on its event topics. */
  untilConsumed(timeoutMs?: number): Promise<void>;
  /** Collects every message of a topic (e.g. a DLQ) as it arrives. */
  collect(topic: string): Promise<KafkaMessage[]>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly redisUrl?: string;
}

/**
 * Starts the real reader in-process (ports 0) against the real servers, with a database, key
 * prefix, topic prefix and consumer group of its own, so test files can run in parallel.
 */
export async function startReaderHarness(options: HarnessOptions = {}): Promise<ReaderHarness> {
  const endpoints = testEndpoints();
  const config = configSchema.parse({
    serviceName: 'reader-service-test',
    logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
    host: '127.0.0.1',
    grpc: { port: 0 },
    probes: { port: 0 },
    metrics: { port: 0 },
    kafka: {
      brokers: endpoints.kafkaBrokers,
      groupId: uniqueName('reader_group'),
      topicPrefix: `${uniqueName('reader')}_`,
      topics: { create: true, partitions: 3, replicationFactor: 1 },
    },
    mongo: { uri: endpoints.mongoUri, database: uniqueName('reader'), collection: 'products' },
    redis: {
      url: options.redisUrl ?? endpoints.redisUrl,
      keyPrefix: `${uniqueName('reader')}:product:`,
      ttlSeconds: 120,
      commandTimeoutMs: 300,
    },
  });
  const topics = productTopics(config.kafka.topicPrefix).events;
  const service = await start(config);

  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'reader-test' }, silent);
  const producer = createProducer(kafka);
  await producer.connect();
  const mongo = new MongoClient(endpoints.mongoUri);
  const products = mongo.db(config.mongo.database).collection<ProductDocument>(config.mongo.collection);

  const { proto } = loadReaderProto();
  const address = `127.0.0.1:${service.grpcPort}`;
  const client = new proto.readerService.readerService(address, credentials.createInsecure());
  const call: ReaderCall = (method, request) =>
    new Promise((resolve) => {
      const fn = (client as unknown as Record<string, Unary>)[method];
      if (!fn) throw new Error(`no gRPC method ${method}`);
      fn.call(client, request, { deadline: Date.now() + 10_000 }, (error, value) =>
        resolve({ error, value: value as never }),
      );
    });

  const consumers: { disconnect(): Promise<void> }[] = [];
  const at = () => toTimestamp(new Date());
  const send = <N extends KafkaMessageName>(
    topic: string,
    type: N,
    key: string,
    value: KafkaMessages[N][0],
  ) => sendMessage(producer, { topic, type, key, value }).then(() => undefined);
  const withTimes = (p: WireProduct) => ({ ...p, CreatedAt: at(), UpdatedAt: at() });

  return {
    config,
    service,
    topics,
    kafka,
    producer,
    products,
    call,
    address,
    created: (p) => send(topics.created, 'ProductCreated', p.ProductID, { Product: withTimes(p) }),
    updated: (p) => send(topics.updated, 'ProductUpdated', p.ProductID, { Product: withTimes(p) }),
    deleted: (productId, version) =>
      send(topics.deleted, 'ProductDeleted', productId, {
        ProductID: productId,
        Version: version,
        DeletedAt: at(),
      }),
    sendRaw: async (topic, key, value) => {
      await producer.send({ topic, acks: -1, messages: [{ key, value }] });
    },
    untilConsumed: (timeoutMs = 30_000) =>
      untilCommitted(kafka, config.kafka.groupId, Object.values(topics), timeoutMs),
    collect: async (topic) => {
      const seen: KafkaMessage[] = [];
      const consumer = kafka.consumer({ groupId: uniqueName('reader_test_collect'), maxWaitTimeInMs: 200 });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message);
        },
      });
      return seen;
    },
    stop: async () => {
      client.close();
      await Promise.all(consumers.map((c) => c.disconnect()));
      await producer.disconnect();
      await service.stop();
      await mongo
        .db(config.mongo.database)
        .dropDatabase()
        .catch(() => {});
      await mongo.close();
    },
  };
}

type Unary = (
  this: Client,
  request: object,
  options: CallOptions,
  callback: (error: ServiceError | null, value?: unknown) => void,
) => void;

/** Committed offsets of the group caught up with the end of every topic: all sent events handled. */
async function untilCommitted(
  kafka: Kafka,
  groupId: string,
  topics: string[],
  timeoutMs: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<string, string>();
    for (const topic of topics) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic))
        ends.set(`${topic}:${partition}`, high);
    }
    await until(
      async () => {
        const committed = await admin.fetchOffsets({ groupId, topics });
        return committed.every(({ topic, partitions }) =>
          partitions.every(({ partition, offset }) => {
            const end = ends.get(`${topic}:${partition}`) ?? '0';
            return end === '0' || offset === end;
          }),
        );
      },
      { timeoutMs, what: 'offsets committed to the end' },
    );
  } finally {
    await admin.disconnect();
  }
}

export { until };

/** A UUID v4 for a test product. */
export const newProductId = (): string => crypto.randomUUID();

export { deadLetterTopic };
