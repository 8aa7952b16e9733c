import { loadWriterProto, productTopics } from '@cqrs-products/contracts';
import { startGrpcServer } from '@cqrs-products/grpc';
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
import pg from 'pg';
import type { Config } from './config.js';
import { registerWriterService, writerServiceName } from './grpc/writer.server.js';
import { watchCreatesCaughtUp } from './kafka/creates-caught-up.js';
import { startProductCommandsConsumer } from './kafka/product-commands.consumer.js';
import { outboxMetrics, parkingMetrics } from './metrics.js';
import { startRelay } from './outbox/relay.js';
import { startParkingSweeper, sweepInterval } from './parking/sweeper.js';
import { pingPostgres } from './postgres/db.js';
import { countPending } from './postgres/outbox.repository.js';
import { countParkedCommands } from './postgres/parked-command.repository.js';
import { findProduct } from './postgres/product.repository.js';
import { createBatchHandler, createCommandHandler } from './product-command.handler.js';

export interface WriterService {
  readonly log: Logger;
  readonly grpcPort: number;
  readonly probesPort: number;
  stop(): Promise<void>;
}

/**
 * Partitions whose batches run at once. Each batch holds a connection for its transaction; the
 * relay holds two (LISTEN, its batch), and one is left for gRPC calls and the parking sweeper.
 * More than four brings nothing on a small database server: the batches are already large.
 */
export const consumerConcurrency = (poolSize: number): number => Math.max(1, Math.min(4, poolSize - 3));

/**
 * Connects to PostgreSQL and Kafka, then starts the outbox relay, the gRPC server, the command
 * consumer and the probes. stop() takes them down so that nothing accepted is left half done.
 */
export async function start(config: Config): Promise<WriterService> {
  const log = createLogger({ service: config.serviceName, level: config.logLevel });
  const topics = productTopics(config.kafka.topicPrefix);
  const pool = new pg.Pool({ connectionString: config.postgres.url, max: config.postgres.poolSize });
  // An idle connection that breaks (database restart) must not crash the process.
  pool.on('error', (error) => log.warn({ err: error }, 'idle PostgreSQL connection failed'));
  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: config.serviceName },
    log.child({ component: 'kafka' }),
  );
  const producer = createProducer(kafka, log.child({ component: 'kafka-producer' }));
  const started: (() => Promise<unknown>)[] = [() => pool.end()];

  try {
    // Fail at start-up, not on the first command, when a dependency is wrong.
    await pingPostgres(pool);
    await prepareTopics(
      kafka,
      { consumes: Object.values(topics.commands), produces: Object.values(topics.events) },
      config.kafka.topics,
    );
    await producer.connect();
    started.push(() => producer.disconnect());

    const registry = createRegistry(config.serviceName);
    const kafkaInstruments = kafkaMetrics(registry);
    const relay = await startRelay({
      pool,
      producer,
      metrics: outboxMetrics(registry, kafkaInstruments, () => countPending(pool)),
      log: log.child({ component: 'outbox-relay' }),
      batchSize: config.outbox.batchSize,
      pollIntervalMs: config.outbox.pollIntervalMs,
    });
    started.push(() => relay.stop());

    const handlerDeps = { pool, eventTopics: topics.events, db: dbMetrics(registry) };
    const handleCommand = createCommandHandler(handlerDeps);
    const { proto, definition } = loadWriterProto();
    const grpc = await startGrpcServer({
      host: config.host,
      port: config.grpc.port,
      services: [writerServiceName],
      reflection: definition,
      metrics: grpcMetrics(registry),
      register: (server) =>
        registerWriterService(server, proto, {
          handleCommand,
          findProduct: (productId) => findProduct(pool, productId),
          log: log.child({ component: 'grpc' }),
        }),
    });
    started.push(() => grpc.stop());

    const createsCaughtUp = watchCreatesCaughtUp({
      kafka,
      groupId: config.kafka.groupId,
      topic: topics.commands.create,
      log: log.child({ component: 'parking-sweeper' }),
      intervalMs: sweepInterval(config.commands.parkWindowMs),
    });
    started.push(() => createsCaughtUp.stop());
    const sweeper = startParkingSweeper({
      pool,
      producer,
      log: log.child({ component: 'parking-sweeper' }),
      windowMs: config.commands.parkWindowMs,
      metrics: parkingMetrics(registry, () => countParkedCommands(pool)),
      createsCaughtUpSince: createsCaughtUp.since,
    });
    started.push(() => sweeper.stop());

    const consumer = await startProductCommandsConsumer({
      kafka,
      groupId: config.kafka.groupId,
      topics: topics.commands,
      handleCommands: createBatchHandler(handlerDeps),
      concurrency: consumerConcurrency(config.postgres.poolSize),
      deadLetterProducer: producer,
      databaseHealthy: () => pingPostgres(pool).then(() => true),
      log: log.child({ component: 'commands-consumer' }),
      metrics: kafkaInstruments,
    });
    started.push(() => consumer.stop());

    const probes = await startProbeServer({
      host: config.host,
      port: config.probes.port,
      checks: {
        postgres: () => pingPostgres(pool),
        kafka: () => pingKafka(kafka),
        // A consumer that stopped consuming makes the writer unready even while both answer.
        commands: consumerReadiness(consumer),
      },
    });
    started.push(() => probes.close());
    const metricsServer = await startMetricsServer({
      host: config.host,
      port: config.metrics.port,
      registry,
    });
    log.info(
      { grpcPort: grpc.port, probesPort: probes.port, metricsPort: metricsServer.port, topics },
      'writer-service started',
    );

    return {
      log,
      grpcPort: grpc.port,
      probesPort: probes.port,
      stop: async () => {
        probes.markShuttingDown();
        // Intake first: the consumer finishes its in-flight batch and commits its offset, gRPC
        // lets running calls finish. Then the relay finishes its batch; rows it leaves behind
        // stay in the outbox for the next start. Then the clients they all used.
        await consumer.stop();
        await grpc.stop();
        await sweeper.stop();
        await createsCaughtUp.stop();
        await relay.stop();
        await producer.disconnect();
        await pool.end();
        await metricsServer.close();
        await probes.close();
        log.info({}, 'writer-service stopped');
      },
    };
  } catch (error) {
    for (const stop of started.reverse()) await stop().catch(() => {});
    throw error;
  }
}
