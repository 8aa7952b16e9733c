import type { Redis } from 'ioredis';
import type { StoredProduct } from '../domain/product.js';
import type { CacheMetrics } from '../metrics.js';
import type { CacheRepairLog } from '../mongo/cache-repair.repository.js';
import type { WriteMarks } from './write-marks.js';

/** The product cache's contract (product.cache.ts implements it). */

export interface CacheLog {
  warn(obj: object, msg: string): void;
}

export type CacheLookup =
  | { readonly kind: 'hit'; readonly stored: StoredProduct }
  /** The index is complete and holds no entry: MongoDB holds no such product either. */
  | { readonly kind: 'absent' }
  /** Redis cannot answer for this product now: ask MongoDB. */
  | { readonly kind: 'unknown' }
  /**
   * An instance is between this product's MongoDB write and its Redis write (or that Redis write
   * failed and awaits repair): the entry may be older than MongoDB. Ask MongoDB, or look again.
   */
  | { readonly kind: 'writing' };

/** How far Redis' answers can be trusted, judged from the completeness marker (cache-index.ts). */
export type IndexTrust = 'complete' | 'partial' | 'none';

export interface IndexJudge {
  trust(marker: string | null): IndexTrust;
}

/** Where a repair reads the current state from (MongoDB). */
export interface RepairSource {
  findMany(productIds: readonly string[]): Promise<StoredProduct[]>;
  scan(chunkSize: number): AsyncIterable<StoredProduct[]>;
}

export interface ProductCache {
  lookup(productId: string): Promise<CacheLookup>;
  /** Lookups in one Redis round trip, in the order asked for. */
  lookupMany(productIds: readonly string[]): Promise<CacheLookup[]>;
  /** The cached document, or undefined when Redis cannot answer (a miss, a failure, a key awaiting repair). */
  get(productId: string): Promise<StoredProduct | undefined>;
  /**
   * Marks the products of a batch as being written, before its MongoDB write: until the batch's
   * cache write (or, if that fails, a repair) no instance answers them from Redis, because the
   * entry there is older than MongoDB meanwhile. Never throws (unmarked when Redis is unreachable).
   */
  markWriting(productIds: readonly string[]): Promise<WriteMarks>;
  /**
   * Writes the states a batch left in MongoDB, in one round trip, never moving an entry back, and
   * removes the batch's marks with them. An entry whose write failed is not trusted until
   * repaired. Throws only when that could not be recorded durably (the batch must then come again).
   */
  rememberAll(batch: readonly StoredProduct[], marks?: WriteMarks): Promise<void>;
  /** `rememberAll` of one that never throws. */
  remember(stored: StoredProduct): Promise<void>;
  /** Fills the cache after a MongoDB read; best effort (nothing to repair if it fails). */
  fill(stored: StoredProduct): Promise<void>;
  /** Takes over the repairs a previous process recorded and did not finish. */
  recover(): Promise<void>;
  /** Stops the repair timer (the Redis client itself belongs to the caller). */
  close(): void;
}

export interface ProductCacheOptions {
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** Entries expire after this long; 0: never, they serve as the complete index. */
  readonly ttlSeconds: number;
  readonly log: CacheLog;
  readonly metrics?: CacheMetrics;
  /** Without it, Redis never answers for a product it holds no entry of. */
  readonly index?: IndexJudge;
  /**
   * A repair rewrites entries from here. Without it a repair deletes them, which is only right
   * for a cache that is not the index (a deleted entry would there mean a false NOT_FOUND).
   */
  readonly source?: RepairSource;
  readonly repairLog?: CacheRepairLog;
  /** How often keys whose write failed are retried while Redis was unreachable. */
  readonly repairIntervalMs?: number;
  /** Beyond this many keys awaiting repair, every entry is repaired (one scan) instead. */
  readonly maxRepairKeys?: number;
  /**
   * How long a write mark holds unless its writer removes it (a batch's MongoDB and search writes
   * take seconds at most); past it, only a dead writer's marks are left, and they lapse.
   */
  readonly writeMarkMs?: number;
  /** Connect timeout of the one fresh connection a failed write is tried again on. */
  readonly freshConnectTimeoutMs?: number;
}
