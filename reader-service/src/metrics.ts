import { Counter, type DbMetrics, Histogram, lagBuckets, type Registry } from '@cqrs-products/metrics';
import type { MongoClient } from 'mongodb';
import type { ProductEvent } from './domain/product.js';

export interface ProjectionMetrics {
  /** Time from the change in the writer (the event's own timestamp) to the read model having it. */
  readonly lag: Histogram<'topic'>;
}

export interface CacheMetrics {
  readonly lookups: Counter<'result'>;
  /** Times the Redis round trips. */
  readonly db?: DbMetrics;
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

/** Records each MongoDB command's duration from the driver's command monitoring events. */
export function observeMongoCommands(client: MongoClient, db: DbMetrics): void {
  const observe = (operation: string, outcome: string, durationMs: number) =>
    db.duration.observe({ db_system: 'mongodb', db_operation: operation, outcome }, durationMs / 1000);
  client.on('commandSucceeded', (event) => observe(event.commandName, 'success', event.duration));
  client.on('commandFailed', (event) => observe(event.commandName, 'error', event.duration));
}
