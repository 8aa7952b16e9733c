import {
  encodeProductMessage,
  type KafkaMessageName,
  type KafkaMessages,
  type ProductTopics,
  productTopics,
  toTimestamp,
} from '@cqrs-products/contracts';
import {
  createKafka,
  createProducer,
  deadLetterTopic,
  type Kafka,
  type Producer,
  sendMessage,
} from '@cqrs-products/kafka';
import {
  type CollectedMessage,
  collectMessages,
  testEndpoints,
  uniqueName,
  until,
  untilGroupCommittedToEnd,
} from '@cqrs-products/testing';
import { Redis } from 'ioredis';
import { type Collection, MongoClient } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { type Config, configSchema } from '../../src/config.js';
import type { ProductDocument } from '../../src/mongo/product.repository.js';
import { cacheKeys } from '../../src/redis/cache-store.js';
import { type ReaderService, start } from '../../src/start.js';
import { deleteKeys, grpcCaller, mongoCommandsOf, type ReaderCall } from './reader-clients.js';
import { dropSearchDatabase, searchDatabaseUrl } from './search-database.js';

export { type CallResult, deleteKeys, grpcCaller, type ReaderCall } from './reader-clients.js';

const silent = { error() {}, warn() {}, info() {}, debug() {} };

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
  /** The test's own Redis client and the reader's keys in it (a prefix of this harness only). */
  readonly redis: Redis;
  readonly keys: ReturnType<typeof cacheKeys>;
  readonly call: ReaderCall;
  readonly address: string;
  created(product: WireProduct): Promise<void>;
  updated(product: WireProduct): Promise<void>;
  deleted(productId: string, version: number): Promise<void>;
  /** Sends raw bytes to an event topic (for poison messages). */
  sendRaw(topic: string, key: string, value: Buffer): Promise<void>;
  /** Sends events in ONE produce request, so the reader fetches them as one batch (per partition). */
  sendBatch(
    topic: string,
    messages: readonly { key: string; value: Buffer; partition?: number }[],
  ): Promise<void>;
  /** Resolves when the reader has committed every message sent so far on its event topics. */
  untilConsumed(timeoutMs?: number): Promise<void>;
  /** Collects every message of a topic (e.g. a DLQ) as it arrives. */
  collect(topic: string): Promise<CollectedMessage[]>;
  /** Resolves when the Redis index is marked complete for the Redis process it runs in. */
  untilIndexComplete(timeoutMs?: number): Promise<void>;
  /** MongoDB commands the reader has issued so far, by command name (its own /metrics; no pings). */
  mongoCommands(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly redisUrl?: string;
  readonly readFallback?: Partial<Config['readFallback']>;
  readonly index?: Partial<Config['redis']['index']>;
  /** Another harness's search database (a restarted reader); by default one of its own. */
  readonly searchUrl?: string;
  /** A MongoDB database the test filled already; by default a new one. */
  readonly mongoDatabase?: string;
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
    mongo: {
      uri: endpoints.mongoUri,
      database: options.mongoDatabase ?? uniqueName('reader'),
      collection: 'products',
    },
    redis: {
      url: options.redisUrl ?? endpoints.redisUrl,
      keyPrefix: `${uniqueName('reader')}:product:`,
      ttlSeconds: 120,
      commandTimeoutMs: 300,
      index: { retryMs: 200, ...options.index },
    },
    readFallback: { ...options.readFallback },
    search: { postgresUrl: options.searchUrl ?? searchDatabaseUrl() },
  });
  const topics = productTopics(config.kafka.topicPrefix).events;
  const service = await start(config);

  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: 'reader-test' }, silent);
  const producer = createProducer(kafka);
  await producer.connect();
  const mongo = new MongoClient(endpoints.mongoUri);
  const products = mongo.db(config.mongo.database).collection<ProductDocument>(config.mongo.collection);
  const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  await redis.connect().catch(() => {});
  const keys = cacheKeys(config.redis.keyPrefix);

  const address = `127.0.0.1:${service.grpcPort}`;
  const { call, close: closeCaller } = grpcCaller(address);

  const consumers: { disconnect(): Promise<void> }[] = [];
  const at = () => toTimestamp(new Date());
  const send = <N extends KafkaMessageName>(
    topic: string,
    type: N,
    key: string,
    value: KafkaMessages[N][0],
  ) => sendMessage(producer, encodeProductMessage({ topic, type, key, value })).then(() => undefined);
  const withTimes = (p: WireProduct) => ({ ...p, CreatedAt: at(), UpdatedAt: at() });

  return {
    config,
    service,
    topics,
    kafka,
    producer,
    products,
    redis,
    keys,
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
    sendBatch: async (topic, messages) => {
      await producer.send({ topic, acks: -1, messages: [...messages] });
    },
    untilConsumed: (timeoutMs = 30_000) =>
      untilGroupCommittedToEnd(kafka, config.kafka.groupId, Object.values(topics), { timeoutMs }),
    collect: async (topic) => {
      const collector = await collectMessages(kafka, [topic], { groupPrefix: 'reader_test_collect' });
      consumers.push({ disconnect: collector.stop });
      return collector.messages;
    },
    untilIndexComplete: async (timeoutMs = 20_000) => {
      const runId = /run_id:(\w+)/.exec(await redis.info('server'))?.[1];
      await until(async () => (await redis.get(keys.marker)) === runId, {
        timeoutMs,
        what: 'cache index complete',
      });
    },
    mongoCommands: () => mongoCommandsOf(service.metricsPort),
    stop: async () => {
      closeCaller();
      await Promise.all(consumers.map((c) => c.disconnect()));
      await producer.disconnect();
      await service.stop();
      await mongo
        .db(config.mongo.database)
        .dropDatabase()
        .catch(() => {});
      await mongo.close();
      // Index entries never expire: leave nothing of this test behind in the shared Redis.
      if (redis.status === 'ready') await deleteKeys(redis, `${config.redis.keyPrefix}*`);
      redis.disconnect();
      if (!options.searchUrl) await dropSearchDatabase(config.search.postgresUrl);
    },
  };
}

/**
 * The harness of one test file: started before its tests and, unless `indexComplete: false`,
 * with the Redis index complete (as the reader serves once warm); stopped after them.
 */
export function useReaderHarness(
  options: HarnessOptions & { readonly indexComplete?: boolean } = {},
): ReaderHarness {
  let harness: ReaderHarness | undefined;
  beforeAll(async () => {
    harness = await startReaderHarness(options);
    if (options.indexComplete !== false) await harness.untilIndexComplete();
  });
  afterAll(() => harness?.stop());
  // Read through on every use: the harness exists only once beforeAll has run.
  return new Proxy({} as ReaderHarness, {
    get: (_, key) => {
      if (!harness) throw new Error('the reader harness is used before beforeAll ran');
      return harness[key as keyof ReaderHarness];
    },
  });
}

export { until };

/** A UUID v4 for a test product. */
export const newProductId = (): string => crypto.randomUUID();

export { deadLetterTopic };
