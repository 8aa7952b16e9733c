import { loadReaderProto, productTopics } from '@cqrs-products/contracts';
import {
  consumerReadiness,
  createKafka,
  createProducer,
  pingKafka,
  prepareTopics,
} from '@cqrs-products/kafka';
import { createLogger, type Logger } from '@cqrs-products/logger';
import {
  createRegistry,
  dbMetrics,
  grpcMetrics,
  kafkaMetrics,
  startMetricsServer,
} from '@cqrs-products/metrics';
import { startProbeServer } from '@cqrs-products/probes';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import type { Config } from './config.js';
import { startReaderServer } from './grpc/reader.server.js';
import { productCommandForwarder } from './kafka/product-commands.js';
import { startProductEventsConsumer } from './kafka/product-events.consumer.js';
import { cacheMetrics, fallbackMetrics, projectionMetrics } from './metrics.js';
import { type CacheRepairDocument, createCacheRepairLog } from './mongo/cache-repair.repository.js';
import { heartbeatFrequencyMs, watchMongoClient } from './mongo/client-health.js';
import { observeMongoCommands } from './mongo/command-metrics.js';
import { createProductRepository, type ProductDocument } from './mongo/product.repository.js';
import { followActiveCollection } from './mongo/read-model-pointer.js';
import { createProjection } from './projection.js';
import { createReadFallback } from './read-fallback.js';
import { createReadModel } from './read-model.js';
import { createCacheIndex } from './redis/cache-index.js';
import { createCommandTokens } from './redis/command-tokens.js';
import { createProductCache } from './redis/product.cache.js';
import { backfillSearch } from './search/backfill.js';
import { openSearchStore, type SearchStore } from './search/search-store.js';

export interface ReaderService {
  readonly log: Logger;
  /** The bound ports (useful when the config asked for port 0). */
  readonly grpcPort: number;
  readonly probesPort: number;
  readonly metricsPort: number;
  stop(): Promise<void>;
}

/**
 * Connects to MongoDB, the search database and Kafka (failing fast when they are wrong), prepares
 * indexes and topics, copies MongoDB into a new search table once (search/backfill.ts),
 * then serves gRPC, consumes events and serves probes. Redis is optional at start-up: without it
 * the reader answers from MongoDB and the client keeps reconnecting in the background.
 */
export async function start(config: Config): Promise<ReaderService> {
  const log = createLogger({ service: config.serviceName, level: config.logLevel });
  const registry = createRegistry(config.serviceName);
  const db = dbMetrics(registry);
  // Command monitoring gives every MongoDB round trip's duration without wrapping each call.
  const mongo = new MongoClient(config.mongo.uri, {
    serverSelectionTimeoutMS: 5_000,
    // No MongoDB call may wait forever: one that hung on a connection the server restarted under
    // would hold its batch, and with it its partition, for good. The slowest legitimate call (a
    // batch delete or a warm-up page at 100k products on FerretDB) takes seconds.
    socketTimeoutMS: 30_000,
    // Said explicitly: the monitor watchdog (mongo/client-health.ts) counts in heartbeats.
    heartbeatFrequencyMS: heartbeatFrequencyMs,
    monitorCommands: true,
  });
  observeMongoCommands(mongo, db);
  const redis = new Redis(config.redis.url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    commandTimeout: config.redis.commandTimeoutMs,
    // Fail commands at once while disconnected instead of queueing them: a query would rather
    // read MongoDB now than wait for Redis to come back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  redis.on('error', (error) => log.debug({ err: error }, 'redis connection error'));
  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: config.serviceName },
    log.child({ component: 'kafka' }),
  );
  const { events: topics, commands: commandTopics } = productTopics(config.kafka.topicPrefix);
  // One producer for dead letters and for the commands the write RPCs forward to the writer.
  const producer = createProducer(kafka, log.child({ component: 'kafka-producer' }));

  const database = mongo.db(config.mongo.database);
  const repository = createProductRepository(database.collection<ProductDocument>(config.mongo.collection), {
    // After `npm run read-model:rebuild` the read model lives in the collection its pointer names.
    follow: followActiveCollection(database, config.mongo.collection),
  });
  const repairLog = createCacheRepairLog(
    database.collection<CacheRepairDocument>(`${config.mongo.collection}_cache_repairs`),
  );
  const mongoPing = () => mongo.db(config.mongo.database).command({ ping: 1 });
  const { keyPrefix, index: indexConfig } = config.redis;
  const cacheMetricSet = cacheMetrics(registry);
  const index = indexConfig.enabled
    ? createCacheIndex({
        redis,
        keyPrefix,
        scan: (chunkSize) => repository.scan(chunkSize),
        log: log.child({ component: 'cache-index' }),
        lockMs: indexConfig.lockMs,
        chunkSize: indexConfig.warmUpChunk,
        retryMs: indexConfig.retryMs,
        warmUps: cacheMetricSet.warmUps,
        repairs: { log: repairLog, findMany: (ids) => repository.findMany(ids) },
      })
    : undefined;
  const cache = createProductCache({
    metrics: { ...cacheMetricSet, db },
    redis,
    keyPrefix,
    // As the index, entries must not expire: an expired entry would be a false NOT_FOUND.
    ttlSeconds: index ? 0 : config.redis.ttlSeconds,
    log: log.child({ component: 'cache' }),
    ...(index && { index, source: repository, repairLog }),
  });

  let search: SearchStore | undefined;
  try {
    // Fail at start-up, not on the first event, when MongoDB, PostgreSQL or Kafka is wrong.
    await mongo.connect();
    await repository.ensureIndexes();
    search = await openSearchStore({ ...config.search, db, log: log.child({ component: 'search' }) });
    await backfillSearch({
      search: search.repository,
      scan: (chunkSize) => repository.scan(chunkSize),
      chunkSize: config.search.backfillChunk,
      log: log.child({ component: 'search' }),
    });
    // Before serving: keys a previous process could not write must not be answered from Redis.
    await cache.recover();
    // The command topics too: the write RPCs publish to them, whether or not a writer made them yet.
    await prepareTopics(
      kafka,
      { consumes: Object.values(topics), produces: Object.values(commandTopics) },
      config.kafka.topics,
    );
    await producer.connect();
  } catch (error) {
    cache.close();
    redis.disconnect();
    await producer.disconnect().catch(() => {});
    await search?.close();
    await mongo.close();
    throw error;
  }
  await redis.connect().catch((error: unknown) => {
    log.warn({ err: error }, 'redis unavailable at start-up, serving from MongoDB until it is back');
  });

  await index?.start();
  const mongoWatchdog = watchMongoClient(mongo, log.child({ component: 'mongo' }));
  const searchStore = search.repository;
  const tokens = createCommandTokens(redis, keyPrefix, log.child({ component: 'tokens' }));
  const projection = createProjection({
    repository,
    searchStore,
    cache,
    tokens,
    log: log.child({ component: 'projection' }),
  });
  const readModel = createReadModel({
    repository,
    searchStore,
    cache,
    projection,
    fallback: createReadFallback({ ...config.readFallback, metrics: fallbackMetrics(registry) }),
    fallbackTimeoutMs: config.readFallback.timeoutMs,
    tokens,
    readYourWritesTimeoutMs: config.readYourWrites.timeoutMs,
  });
  const grpc = await startReaderServer({
    host: config.host,
    port: config.grpc.port,
    readModel,
    forward: productCommandForwarder(producer, commandTopics),
    reader: loadReaderProto(),
    log: log.child({ component: 'grpc' }),
    metrics: grpcMetrics(registry),
  });
  const consumer = await startProductEventsConsumer({
    kafka,
    groupId: config.kafka.groupId,
    topics,
    projection,
    maxBatchSize: config.kafka.maxBatchSize,
    deadLetterProducer: producer,
    log: log.child({ component: 'consumer' }),
    // Both stores a batch is written to: while either is down, failures wait and never DLQ.
    storesHealthy: () => Promise.all([mongoPing(), searchStore.ping()]).then(() => true),
    metrics: { kafka: kafkaMetrics(registry), projection: projectionMetrics(registry) },
  });
  const probes = await startProbeServer({
    host: config.host,
    port: config.probes.port,
    checks: {
      mongo: mongoPing,
      search: () => searchStore.ping(),
      redis: () => redis.ping(),
      kafka: () => pingKafka(kafka),
      // A consumer that stopped consuming makes the reader unready even while the stores answer.
      events: consumerReadiness(consumer),
    },
  });
  const metricsServer = await startMetricsServer({ host: config.host, port: config.metrics.port, registry });
  log.info(
    { grpcPort: grpc.port, probesPort: probes.port, metricsPort: metricsServer.port },
    'reader-service started',
  );

  return {
    log,
    grpcPort: grpc.port,
    probesPort: probes.port,
    metricsPort: metricsServer.port,
    // Intake first (traffic drains, the in-flight event finishes and commits), storage last.
    stop: async () => {
      probes.markShuttingDown();
      await consumer.stop();
      await grpc.stop(5_000);
      await index?.stop();
      await producer.disconnect();
      cache.close();
      await redis.quit().catch(() => redis.disconnect());
      await search.close();
      mongoWatchdog.stop();
      await mongo.close();
      await metricsServer.close();
      await probes.close();
    },
  };
}
