import type { StoredProduct } from '../domain/product.js';

/**
 * The writer's PostgreSQL, the source of truth, read-only. A live product is its `products` row;
 * a deleted one has no row left, so its tombstone (version and time of the delete) comes from the
 * newest `ProductDeleted` row of the outbox, which keeps every event the writer committed.
 */
export interface RebuildSource {
  /** The server's clock: outbox `created_at` is on it, so catch-ups compare against it. */
  now(): Promise<Date>;
  count(): Promise<number>;
  /** Live products with an id after `after` (keyset: each page is one index range scan). */
  products(after: string | undefined, limit: number): Promise<StoredProduct[]>;
  /** Tombstones of deleted products with an id after `after`. */
  tombstones(after: string | undefined, limit: number): Promise<StoredProduct[]>;
  /** Ids of products with a change whose transaction started at or after `since`. */
  changedSince(since: Date): Promise<string[]>;
  /** The current state of these products (a row, else the tombstone). */
  current(productIds: readonly string[]): Promise<StoredProduct[]>;
  close(): Promise<void>;
}
