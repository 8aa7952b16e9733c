import { createKafka, createProducer, pingKafka } from '@cqrs-products/kafka';
import { createLogger, type Logger } from '@cqrs-products/logger';
import { createRegistry, httpMetrics, startMetricsServer } from '@cqrs-products/metrics';
import { startProbeServer } from '@cqrs-products/probes';
import type { Config } from './config.js';
import { createReaderClient } from './grpc/reader.client.js';
import { buildApp } from './http/app.js';
import { commandPublisherMetrics } from './kafka/command-publisher.metrics.js';
import { productCommands } from './kafka/product-commands.producer.js';

export interface ApiGateway {
  readonly log: Logger;
  /** The bound HTTP port (useful when configured as 0). */
  readonly port: number;
  stop(): Promise<void>;
}

/** Connects the Kafka producer and the reader client, then serves HTTP and probes. */
export async function start(config: Config): Promise<ApiGateway> {
  const log = createLogger({ service: config.serviceName, level: config.logLevel });
  // Few, quick retries: a command the broker cannot take within seconds is answered with 503
  // (nothing queued) rather than holding the HTTP request open.
  const kafka = createKafka(
    { brokers: config.kafka.brokers, clientId: config.serviceName, retries: 3 },
    log.child({ component: 'kafka' }),
  );
  const producer = createProducer(kafka, log.child({ component: 'kafka-producer' }));
  // Fail at start-up, not on the first request, when the broker is wrong.
  await producer.connect();
  const reader = createReaderClient(config.readerService);
  const registry = createRegistry(config.serviceName);
  const commands = productCommands(producer, config.kafka.topicPrefix, {
    batching: config.kafka.producer,
    metrics: commandPublisherMetrics(registry),
  });

  const app = await buildApp({
    log,
    metrics: httpMetrics(registry),
    bodyLimitBytes: config.http.bodyLimitBytes,
    commands,
    reader,
  });
  await app.listen({ host: config.host, port: config.http.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;

  const probes = await startProbeServer({
    host: config.host,
    port: config.probes.port,
    checks: { kafka: () => pingKafka(kafka) },
  });
  const metricsServer = await startMetricsServer({ host: config.host, port: config.metrics.port, registry });
  log.info({ port, probesPort: probes.port, metricsPort: metricsServer.port }, 'api-gateway started');

  return {
    log,
    port,
    stop: async () => {
      // Not ready first, so a load balancer stops sending; then finish in-flight requests (their
      // commands are still being batched meanwhile), then send whatever is left queued before the
      // producer goes: an accepted command is never dropped.
      probes.markShuttingDown();
      await app.close();
      await commands.stop();
      reader.close();
      await producer.disconnect();
      await metricsServer.close();
      await probes.close();
    },
  };
}
