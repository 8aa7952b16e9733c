import { createKafka, createProducer, pingKafka } from '@cqrs-products/kafka';
import { createLogger, type Logger } from '@cqrs-products/logger';
import { startProbeServer } from '@cqrs-products/probes';
import type { Config } from './config.js';

export interface ApiGateway {
  readonly log: Logger;
  stop(): Promise<void>;
}

/** Connects the Kafka producer and serves probes; stop() releases everything in reverse order. */
export async function start(config: Config): Promise<ApiGateway> {
  const log = createLogger({ service: config.serviceName, level: config.logLevel });
  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: config.serviceName },
    log.child({ component: 'kafka' }),
  );
  const producer = createProducer(kafka);
  // Fail at start-up, not on the first request, when the broker is wrong.
  await producer.connect();

  const probes = await startProbeServer({
    host: config.host,
    port: config.probes.port,
    checks: { kafka: () => pingKafka(kafka) },
  });
  log.info({ probesPort: probes.port }, 'api-gateway started');

  return {
    log,
    stop: async () => {
      probes.markShuttingDown();
      await probes.close();
      await producer.disconnect();
    },
  };
}
