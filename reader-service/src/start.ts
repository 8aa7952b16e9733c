import { createKafka, pingKafka } from '@cqrs-products/kafka';
import { createLogger, type Logger } from '@cqrs-products/logger';
import { startProbeServer } from '@cqrs-products/probes';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import type { Config } from './config.js';

export interface ReaderService {
  readonly log: Logger;
  stop(): Promise<void>;
}

/** Connects to MongoDB, Redis and Kafka and serves probes; stop() releases everything in reverse order. */
export async function start(config: Config): Promise<ReaderService> {
  const log = createLogger({ service: config.serviceName, level: config.logLevel });
  const mongo = new MongoClient(config.mongo.uri, { serverSelectionTimeoutMS: 5_000 });
  const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: config.serviceName },
    log.child({ component: 'kafka' }),
  );

  try {
    // Fail at start-up, not on the first event, when a dependency is wrong.
    await mongo.connect();
    await redis.connect();
    await pingKafka(kafka);
  } catch (error) {
    redis.disconnect();
    await mongo.close();
    throw error;
  }

  const probes = await startProbeServer({
    host: config.host,
    port: config.probes.port,
    checks: {
      mongo: () => mongo.db().command({ ping: 1 }),
      redis: () => redis.ping(),
      kafka: () => pingKafka(kafka),
    },
  });
  log.info({ probesPort: probes.port }, 'reader-service started');

  return {
    log,
    stop: async () => {
      probes.markShuttingDown();
      await probes.close();
      await redis.quit();
      await mongo.close();
    },
  };
}
