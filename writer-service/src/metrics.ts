import {
  Counter,
  Gauge,
  Histogram,
  type kafkaMetrics,
  lagBuckets,
  type Registry,
} from '@cqrs-products/metrics';

/** What the outbox relay reports: how much waits, how long it waited, what was sent. */
export interface OutboxMetrics {
  readonly publishDelay: Histogram<'topic'>;
  readonly kafka: ReturnType<typeof kafkaMetrics>;
}

export function outboxMetrics(
  registry: Registry,
  kafka: ReturnType<typeof kafkaMetrics>,
  countPending: () => Promise<number>,
): OutboxMetrics {
  new Gauge({
    name: 'outbox_pending_messages',
    help: 'Outbox rows committed but not yet published to Kafka (counted at scrape time).',
    registers: [registry],
    async collect() {
      // A failed count (database down) leaves the last value rather than failing the scrape.
      await countPending().then(
        (n) => this.set(n),
        () => {},
      );
    },
  });
  return {
    kafka,
    publishDelay: new Histogram({
      name: 'outbox_publish_delay_seconds',
      help: 'Time from the commit of a change (outbox insert) to the broker acknowledging its event.',
      labelNames: ['topic'] as const,
      buckets: lagBuckets,
      registers: [registry],
    }),
  };
}

/** Commands parked for a create that has not come yet, and those that gave up waiting. */
export interface ParkingMetrics {
  readonly deadLettered: Counter<'topic'>;
}

export function parkingMetrics(registry: Registry, countParked: () => Promise<number>): ParkingMetrics {
  new Gauge({
    name: 'parked_commands',
    help: 'Updates and deletes of unknown products waiting for their create (counted at scrape time).',
    registers: [registry],
    async collect() {
      await countParked().then(
        (n) => this.set(n),
        () => {},
      );
    },
  });
  return {
    deadLettered: new Counter({
      name: 'parked_commands_dead_lettered_total',
      help: 'Parked commands dead-lettered because their create did not come within the parking window.',
      labelNames: ['topic'] as const,
      registers: [registry],
    }),
  };
}
