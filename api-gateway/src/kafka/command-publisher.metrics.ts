import { Counter, Gauge, Histogram, type Registry } from '@cqrs-products/metrics';

/** What the command publisher reports: how well it batches, how much waits, what it refused. */
export interface CommandPublisherMetrics {
  readonly batchSize: Histogram;
  readonly queued: Gauge;
  readonly refused: Counter<'reason'>;
  readonly resent: Counter;
}

export function commandPublisherMetrics(registry: Registry): CommandPublisherMetrics {
  return {
    batchSize: new Histogram({
      name: 'kafka_producer_batch_messages',
      help: 'Commands sent to Kafka in one produce request (grows with load while a request is in flight).',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000],
      registers: [registry],
    }),
    queued: new Gauge({
      name: 'kafka_producer_queued_messages',
      help: 'Commands waiting for the next produce request (at most KAFKA_PRODUCER_MAX_QUEUED).',
      registers: [registry],
    }),
    refused: new Counter({
      name: 'kafka_producer_refused_messages_total',
      help: 'Commands refused with 503 before being sent, by reason (queue_full, stopping, unavailable: Kafka did not answer the send ahead of them).',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    resent: new Counter({
      name: 'kafka_producer_resent_batches_total',
      help: 'Batches sent again after a send Kafka may have written failed (their callers wait for the ack).',
      registers: [registry],
    }),
  };
}
