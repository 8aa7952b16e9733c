import { Counter, Histogram, lagBuckets, type Registry } from '@cqrs-products/metrics';
import type { ProductEvent } from './domain/product.js';

export interface ProjectionMetrics {
  /** Time from the change in the writer (the event's own timestamp) to the read model having it. */
  readonly lag: Histogram<'topic'>;
}

export interface CacheMetrics {
  readonly lookups: Counter<'result'>;
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
      help: 'Product cache lookups by result (hit, miss, error).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
  };
}

/** When the change an event describes was committed by the writer. */
export const changedAt = (event: ProductEvent): Date =>
  event.type === 'ProductDeleted' ? event.deletedAt : event.product.updatedAt;
