import { Counter, type DbMetrics, Gauge, Histogram, lagBuckets, type Registry } from '@cqrs-products/metrics';
import type { ProductEvent } from './domain/product.js';

export interface ProjectionMetrics {
  /** Time from the change in the writer (the event's own timestamp) to the read model having it. */
  readonly lag: Histogram<'topic'>;
}

export interface CacheMetrics {
  readonly lookups: Counter<'result'>;
  /** Keys whose cache write failed and that are not trusted until rewritten (scope keys), or all (1). */
  readonly repairPending: Gauge<'scope'>;
  readonly warmUps: Counter<'outcome'>;
  /** Times the Redis round trips. */
  readonly db?: DbMetrics;
}

export interface FallbackMetrics {
  readonly reads: Counter<'result'>;
  readonly inFlight: Gauge;
  readonly breakerState: Gauge;
}

export function projectionMetrics(registry: Registry): ProjectionMetrics {
  return {
    lag: new Histogram({
      name: 'projection_lag_seconds',
      help: 'Time from a change being committed by the writer to the reader having applied its event.',
      labelNames: ['topic'] as const,
      buckets: lagBuckets,
      registers: [registry],
    }),
  };
}

export function cacheMetrics(registry: Registry): CacheMetrics {
  return {
    lookups: new Counter({
      name: 'cache_lookups_total',
      help: 'Product cache lookups by result: hit; absent (NOT_FOUND from the complete index); miss, bypass (key awaiting repair), writing (an instance is writing the product), untrusted (index not trusted) and error go to MongoDB.',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    repairPending: new Gauge({
      name: 'cache_repair_pending',
      help: 'Cache entries not trusted until rewritten from MongoDB after a failed write: scope="keys" counts keys, scope="all" is 1 while every entry is.',
      labelNames: ['scope'] as const,
      registers: [registry],
    }),
    warmUps: new Counter({
      name: 'cache_index_warmups_total',
      help: 'Copies of MongoDB into the Redis index by this instance, by outcome (completed, failed).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}

export function fallbackMetrics(registry: Registry): FallbackMetrics {
  return {
    reads: new Counter({
      name: 'read_fallback_reads_total',
      help: 'Queries Redis could not answer, by what the MongoDB fallback did: answered, failed, refused_busy, refused_open.',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'read_fallback_in_flight',
      help: 'MongoDB fallback reads running now.',
      registers: [registry],
    }),
    breakerState: new Gauge({
      name: 'read_fallback_breaker_state',
      help: 'Circuit breaker of the MongoDB fallback: 0 closed, 1 half-open, 2 open (refusing).',
      registers: [registry],
    }),
  };
}

/** When the change an event describes was committed by the writer. */
export const changedAt = (event: ProductEvent): Date =>
  event.type === 'ProductDeleted' ? event.deletedAt : event.product.updatedAt;
