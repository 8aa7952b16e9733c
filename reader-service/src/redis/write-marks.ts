import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type StoredProduct, storedId } from '../domain/product.js';
import { type CacheStore, createCacheStore, type WriterMarks } from './cache-store.js';
import { onFreshConnection } from './fresh-connection.js';

/** The marks of one batch's products, from before its MongoDB write until its cache write. */
export interface WriteMarks {
  readonly productIds: readonly string[];
  /** Whether Redis holds the marks (it may have been unreachable). */
  readonly marked: boolean;
  /** The batch is done with them (written, or failed and to come again); never throws. */
  end(): void;
}

export interface WriteMarksOptions {
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** The cache's store on the shared client. */
  readonly store: CacheStore;
  /** How long a mark holds unless its writer removes it. */
  readonly writeMarkMs: number;
  readonly freshConnectTimeoutMs: number;
}

/**
 * This process' side of the write marks (cache-scripts.ts): from before a batch's MongoDB write
 * until its Redis write, Redis holds an older version of its products, and an instance reading
 * MongoDB meanwhile already shows the new one; the mark keeps every instance off the old entry.
 * A write of the same script removes it, so there is no moment with the mark gone and the entry
 * old; a write that fails keeps it, until a repair rewrites the entry or it lapses.
 *
 * Right after a Redis restart this process' client may still be waiting out its reconnect
 * back-off while Redis and the other instances are back: a mark or write it cannot send goes
 * once more on a fresh connection (fresh-connection.ts). What fails there too is Redis down (or
 * this process cut off from it): a restarted Redis is not trusted before a warm-up whose scan
 * starts after that failure, so after this batch's MongoDB write.
 */
export function createWriteMarks(options: WriteMarksOptions) {
  const { store, writeMarkMs, freshConnectTimeoutMs } = options;
  // One writer token per process: a batch that fails and comes again marks under the same token,
  // so its later write removes the mark the failed attempt left.
  const token = randomUUID();
  // This process' batches in flight per product: a write removes the mark only when it is the last.
  const inFlight = new Map<string, number>();
  const fresh = <T>(work: (on: CacheStore) => Promise<T>) =>
    onFreshConnection(options.redis, freshConnectTimeoutMs, (client) =>
      work(createCacheStore(client, options.keyPrefix)),
    );

  return {
    /** Marks the products of a batch before its MongoDB write; never throws. */
    mark: async (productIds: readonly string[]): Promise<WriteMarks> => {
      const ids = [...new Set(productIds)];
      for (const id of ids) inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        for (const id of ids) {
          const left = (inFlight.get(id) ?? 1) - 1;
          if (left > 0) inFlight.set(id, left);
          else inFlight.delete(id);
        }
      };
      const mark = (on: CacheStore) => on.markWriting(ids, token, writeMarkMs);
      const marked = await mark(store).then(
        () => true,
        () =>
          fresh(mark).then(
            () => true,
            () => false,
          ),
      );
      return { productIds: ids, marked, end };
    },

    /** The marks a write of these products removes: this process', unless another of its batches still writes one. */
    own: (batch: readonly StoredProduct[], leaving?: WriteMarks): WriterMarks => ({
      token,
      productIds: new Set(
        batch
          .map(storedId)
          .filter((id) => (inFlight.get(id) ?? 0) <= (leaving?.productIds.includes(id) ? 1 : 0)),
      ),
    }),

    /**
     * Writes on the shared client, and what failed once more on a fresh connection. Returns the
     * products whose write still failed or may not have happened.
     */
    write: async (
      batch: readonly StoredProduct[],
      ttlSeconds: number,
      unmark: WriterMarks,
    ): Promise<string[]> => {
      const failed = new Set(await store.write(batch, ttlSeconds, unmark));
      if (failed.size === 0) return [];
      const again = batch.filter((stored) => failed.has(storedId(stored)));
      return fresh((on) => on.write(again, ttlSeconds, unmark)).catch(() => [...failed]);
    },
  };
}
