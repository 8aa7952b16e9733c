import { setTimeout as sleep } from 'node:timers/promises';
import { type StoredProduct, storedVersion } from './domain/product.js';
import { readerErrors } from './errors.js';
import type { CommandTokens } from './redis/command-tokens.js';
import type { ProductCache } from './redis/product.cache.js';

/** What a client asks to see at least: a version (a create answers 1), or its command's change. */
export interface Freshness {
  readonly minVersion?: number;
  readonly consistencyToken?: string;
  /** Epoch ms the wait must end by (the caller's deadline), if sooner than the bound. */
  readonly waitUntil?: number | undefined;
}

export const wantsFreshness = (f: Freshness): boolean =>
  (f.minVersion ?? 0) > 0 || Boolean(f.consistencyToken);

export interface ReadYourWritesDeps {
  readonly cache: Pick<ProductCache, 'lookup'>;
  readonly tokens: Pick<CommandTokens, 'versionOf'>;
  /** The ordinary by-id read: Redis, else MongoDB through the bounded fallback. */
  readonly lookup: (productId: string) => Promise<StoredProduct | undefined>;
  /** How long one query may wait (READ_YOUR_WRITES_TIMEOUT_MS). */
  readonly timeoutMs: number;
  readonly pollMs?: number;
}

/**
 * Waits, bounded, until the read model holds what the client asked for, then answers that state
 * (a tombstone too: the caller answers NOT_FOUND for a delete it waited for).
 *
 * The wait is here, not in the gateway: Redis is shared by every reader instance and holds every
 * product's state (the complete index) and every recent command's version, so polling it every
 * 10 ms costs one or two Redis reads per round and no gRPC round trip, whichever instance
 * projected the change. MongoDB is never polled (FerretDB scans for a filtered read): when Redis
 * cannot vouch for the product (index incomplete, key awaiting repair, Redis down), one ordinary
 * read decides at once; while a projection is writing it (a write mark), Redis is polled on.
 */
export function createReadYourWrites(deps: ReadYourWritesDeps) {
  const { cache, tokens, lookup, timeoutMs } = deps;
  const pollMs = deps.pollMs ?? 10;

  const tokenVersion = async (productId: string, token: string): Promise<number | undefined> => {
    try {
      return await tokens.versionOf(productId, token);
    } catch (error) {
      throw readerErrors.READ_MODEL_UNAVAILABLE('Redis cannot tell whether the change is applied', {
        cause: error,
      });
    }
  };

  return async (productId: string, freshness: Freshness): Promise<StoredProduct> => {
    const deadline = Math.min(Date.now() + timeoutMs, freshness.waitUntil ?? Number.POSITIVE_INFINITY);
    const minVersion = freshness.minVersion ?? 0;
    let required: number | undefined = freshness.consistencyToken ? undefined : minVersion;
    const notYet = () =>
      readerErrors.VERSION_NOT_YET_VISIBLE(
        required === undefined
          ? `the change of command ${freshness.consistencyToken} to ${productId} is not applied yet`
          : `version ${required} of ${productId} is not applied yet`,
      );
    const readOnce = async (version: number): Promise<StoredProduct> => {
      const stored = await lookup(productId);
      if (stored && storedVersion(stored) >= version) return stored;
      throw notYet();
    };
    for (;;) {
      if (required === undefined && freshness.consistencyToken) {
        const produced = await tokenVersion(productId, freshness.consistencyToken);
        if (produced !== undefined) required = Math.max(minVersion, produced);
      }
      let writing = false;
      if (required !== undefined) {
        const cached = await cache.lookup(productId);
        if (cached.kind === 'hit' && storedVersion(cached.stored) >= required) return cached.stored;
        // A projection is between MongoDB and Redis for it: its cache write ends the mark, so
        // Redis is polled on; only a mark that outlasts the wait (a failed write awaiting repair)
        // costs the one ordinary read.
        writing = cached.kind === 'writing';
        if (cached.kind === 'unknown') return readOnce(required);
      }
      if (Date.now() + pollMs > deadline) {
        if (writing && required !== undefined) return readOnce(required);
        throw notYet();
      }
      await sleep(pollMs);
    }
  };
}
