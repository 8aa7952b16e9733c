import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Buckets for request handling on one machine: sub-millisecond to a few seconds. */
const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets for how far a pipeline stage runs behind: milliseconds to minutes. */
const lagBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** RED metrics of the HTTP API (names after the OpenTelemetry semantic conventions). */
export function httpMetrics(registry: Registry) {
  return {
    requestDuration: new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Duration of HTTP requests handled by the server.',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: latencyBuckets,
      registers: [registry],
    }),
  };
}

/** RED metrics of gRPC methods served. */
export function grpcMetrics(registry: Registry) {
  return {
    callDuration: new Histogram({
      name: 'rpc_server_duration_seconds',
      help: 'Duration of gRPC calls handled by the server.',
      labelNames: ['rpc_method', 'rpc_grpc_status_code'] as const,
      buckets: latencyBuckets,
      registers: [registry],
    }),
  };
}

/** Kafka traffic by topic and outcome, and how far each consumed partition runs behind. */
export function kafkaMetrics(registry: Registry) {
  /** Read when Prometheus scrapes, so the lag is as of the scrape, not of some earlier moment. */
  const lagSources = new Set<() => Promise<void>>();
  return {
    lagSources,
    consumed: new Counter({
      name: 'kafka_consumer_messages_total',
      help: 'Messages handled by the consumer, by outcome (success, retried, dead_lettered).',
      labelNames: ['topic', 'outcome'] as const,
      registers: [registry],
    }),
    produced: new Counter({
      name: 'kafka_producer_messages_total',
      help: 'Messages sent by the producer, by outcome (success, failure).',
      labelNames: ['topic', 'outcome'] as const,
      registers: [registry],
    }),
    restarts: new Counter({
      name: 'kafka_consumer_restarts_total',
      help: 'Consumers replaced by the supervisor because they crashed for good or stalled.',
      registers: [registry],
    }),
    joins: new Counter({
      name: 'kafka_consumer_group_joins_total',
      help: 'Times the consumer joined its group: one at start, one more per rebalance it took part in.',
      registers: [registry],
    }),
    member: new Gauge({
      name: 'kafka_consumer_group_member',
      help: '1 while the consumer is a member of its group with an assignment, else 0.',
      registers: [registry],
    }),
    lag: new Gauge({
      name: 'kafka_consumer_lag_messages',
      help: "Messages in the partition not yet committed by this consumer group (log end minus the group's committed offset; every member reports the whole group).",
      labelNames: ['topic', 'partition'] as const,
      registers: [registry],
      async collect() {
        await Promise.all([...lagSources].map((refresh) => refresh()));
      },
    }),
  };
}

/**
 * How long database and cache calls take as the service sees them (OpenTelemetry's
 * db.client.operation.duration), by system, operation and outcome: the storage dashboard's latency.
 */
export function dbMetrics(registry: Registry) {
  const duration = new Histogram({
    name: 'db_client_operation_duration_seconds',
    help: 'Duration of database and cache operations as seen by the client.',
    labelNames: ['db_system', 'db_operation', 'outcome'] as const,
    buckets: latencyBuckets,
    registers: [registry],
  });
  return {
    duration,
    /** Runs `work` and records how long it took and whether it failed. */
    async time<T>(system: string, operation: string, work: () => Promise<T>): Promise<T> {
      const end = duration.startTimer({ db_system: system, db_operation: operation });
      try {
        const result = await work();
        end({ outcome: 'success' });
        return result;
      } catch (error) {
        end({ outcome: 'error' });
        throw error;
      }
    },
  };
}

export { lagBuckets, latencyBuckets };

export type HttpMetrics = ReturnType<typeof httpMetrics>;
export type GrpcMetrics = ReturnType<typeof grpcMetrics>;
export type KafkaMetrics = ReturnType<typeof kafkaMetrics>;
export type DbMetrics = ReturnType<typeof dbMetrics>;
