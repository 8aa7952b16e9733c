import { commandTopics, deadLetterTopic, eventTopics } from '@cqrs-products/contracts';
import { createKafka, ensureTopics, pingKafka } from '@cqrs-products/kafka';
import { createLogger, type Logger } from '@cqrs-products/logger';
import { startProbeServer } from '@cqrs-products/probes';
import pg from 'pg';
import type { Config } from './config.js';

export interface WriterService {
  readonly log: Logger;
  stop(): Promise<void>;
}

/** The topics this service reads, writes and dead-letters to. */
export const writerTopics = [
  ...Object.values(commandTopics),
  ...Object.values(commandTopics).map(deadLetterTopic),
  ...Object.values(eventTopics),
];

/** Connects to PostgreSQL and Kafka and serves probes; stop() releases everything in reverse order. */
export async function start(config: Config): Promise<WriterService> {
  const log = createLogger({ service: config.serviceName, level: config.logLevel });
  const pool = new pg.Pool({ connectionString: config.postgres.url, max: config.postgres.poolSize });
  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: config.serviceName },
    log.child({ component: 'kafka' }),
  );

  try {
    // Fail at start-up, not on the first command, when a dependency is wrong.
    await pool.query('SELECT 1');
    if (config.kafka.topics.create) await ensureTopics(kafka, writerTopics, config.kafka.topics);
    else await pingKafka(kafka);
  } catch (error) {
    await pool.end();
    throw error;
  }

  const probes = await startProbeServer({
    host: config.host,
    port: config.probes.port,
    checks: { postgres: () => pool.query('SELECT 1'), kafka: () => pingKafka(kafka) },
  });
  log.info({ probesPort: probes.port }, 'writer-service started');

  return {
    log,
    stop: async () => {
      probes.markShuttingDown();
      await probes.close();
      await pool.end();
    },
  };
}
