export { Counter, Gauge, Histogram, type Registry } from 'prom-client';
export {
  type DbMetrics,
  dbMetrics,
  type GrpcMetrics,
  grpcMetrics,
  type HttpMetrics,
  httpMetrics,
  type KafkaMetrics,
  kafkaMetrics,
  lagBuckets,
  latencyBuckets,
} from './instruments.js';
export { createRegistry } from './registry.js';
export { type MetricsServer, startMetricsServer } from './server.js';
