import { fields, grpcConsumerEnv, grpcConsumerFields, readServiceConfig } from '@cqrs-products/config';
import { z } from 'zod';

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const flag = z.stringbool().or(z.boolean());

export const configSchema = z.object({
  ...grpcConsumerFields,
  kafka: grpcConsumerFields.kafka.extend({
    /** Events projected as one batch at most (one insert, or one delete and one insert, per batch). */
    maxBatchSize: count(1, 10_000).default(500),
  }),
  mongo: z
    .object({
      uri: fields.url(['mongodb', 'mongodb+srv']),
      /** Wins over the URI's database; without either, `products`. */
      database: z.string().min(1).optional(),
      collection: z.string().min(1),
    })
    .transform((mongo) => ({ ...mongo, database: mongo.database ?? databaseOf(mongo.uri) ?? 'products' })),
  redis: z.object({
    url: fields.url(['redis', 'rediss']),
    keyPrefix: z.string().min(1),
    /** Expiry of cache entries, only when the index is disabled (index entries never expire). */
    ttlSeconds: count(1, 31_536_000),
    /** Bounds how long a slow or hung Redis can delay a query before it falls back to MongoDB. */
    commandTimeoutMs: count(10, 10_000),
    index: z
      .object({
        /** Redis holds every product's state, so a miss is NOT_FOUND without MongoDB (cache-index.ts). */
        enabled: flag.default(true),
        /** Expiry of the warm-up lock, renewed while the warm-up runs. */
        lockMs: count(1_000, 600_000).default(30_000),
        /** Products read from MongoDB and written to Redis per round trip during a warm-up. */
        warmUpChunk: count(10, 10_000).default(1_000),
        /** How soon an instance tries again while the index is incomplete (e.g. another one warms it). */
        retryMs: count(100, 600_000).default(5_000),
      })
      .prefault({}),
  }),
  /** SearchProduct's store: a PostgreSQL table of the reader's own (postgres/search.schema.ts). */
  search: z
    .object({
      /** The reader's own database, created at start if missing; never the writer's. */
      postgresUrl: fields
        .url(['postgres', 'postgresql'])
        .refine((url) => new URL(url).pathname.length > 1, 'must name a database')
        .default('postgres://postgres:postgres@127.0.0.1:5432/products_read'),
      poolSize: count(1, 100).default(10),
      /** Server-side limit of one search (statement_timeout); the gateway's deadline is 3 s. */
      queryTimeoutMs: count(10, 60_000).default(2_000),
      /** Products read from MongoDB and written per statement by the one-time backfill. */
      backfillChunk: count(10, 10_000).default(1_000),
    })
    .prefault({}),
  /** `npm run read-model:rebuild` only (rebuild-main.ts); the service itself never reads these. */
  rebuild: z
    .object({
      /** The writer's database, the source of truth, read-only. */
      sourceUrl: fields
        .url(['postgres', 'postgresql'])
        .default('postgres://postgres:postgres@127.0.0.1:5432/products'),
      /** Products read from PostgreSQL and inserted per round trip. */
      chunk: count(1, 10_000).default(1_000),
      /** Wait after the switch until every reader writes the new collection (pointer re-read: 1 s). */
      settleMs: count(0, 600_000).default(10_000),
      /** Longest writer transaction a catch-up allows for (the outbox stamps a change's start). */
      catchUpMarginMs: count(0, 3_600_000).default(60_000),
    })
    .prefault({}),
  /**
   * GetProductById with MinVersion or ConsistencyToken (read-your-writes.ts). At most 2 s: the
   * gateway's deadline (READER_SERVICE_DEADLINE_MS, 3 s) must outlast the wait.
   */
  readYourWrites: z.object({ timeoutMs: count(10, 2_000).default(2_000) }).prefault({}),
  /** The bounded way from a query to MongoDB when Redis cannot answer (read-fallback.ts). */
  readFallback: z
    .object({
      maxConcurrent: count(1, 1_000).default(4),
      failureThreshold: count(1, 1_000).default(5),
      openMs: count(100, 600_000).default(5_000),
      /** Server-side limit of one fallback lookup (a scan on FerretDB: 300 ms at 100k products). */
      timeoutMs: count(10, 60_000).default(2_000),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;

export const envMapping = {
  ...grpcConsumerEnv,
  KAFKA_MAX_BATCH_SIZE: 'kafka.maxBatchSize',
  GRPC_PORT: 'grpc.port',
  MONGO_URI: 'mongo.uri',
  MONGO_DATABASE: 'mongo.database',
  MONGO_COLLECTION: 'mongo.collection',
  REDIS_URL: 'redis.url',
  REDIS_KEY_PREFIX: 'redis.keyPrefix',
  REDIS_TTL_SECONDS: 'redis.ttlSeconds',
  REDIS_COMMAND_TIMEOUT_MS: 'redis.commandTimeoutMs',
  REDIS_INDEX_ENABLED: 'redis.index.enabled',
  REDIS_INDEX_LOCK_MS: 'redis.index.lockMs',
  REDIS_INDEX_WARMUP_CHUNK: 'redis.index.warmUpChunk',
  REDIS_INDEX_RETRY_MS: 'redis.index.retryMs',
  SEARCH_POSTGRES_URL: 'search.postgresUrl',
  SEARCH_POSTGRES_POOL_SIZE: 'search.poolSize',
  SEARCH_QUERY_TIMEOUT_MS: 'search.queryTimeoutMs',
  SEARCH_BACKFILL_CHUNK: 'search.backfillChunk',
  POSTGRES_URL: 'rebuild.sourceUrl',
  REBUILD_CHUNK: 'rebuild.chunk',
  REBUILD_SETTLE_MS: 'rebuild.settleMs',
  REBUILD_CATCH_UP_MARGIN_MS: 'rebuild.catchUpMarginMs',
  READ_FALLBACK_MAX_CONCURRENT: 'readFallback.maxConcurrent',
  READ_FALLBACK_FAILURE_THRESHOLD: 'readFallback.failureThreshold',
  READ_FALLBACK_OPEN_MS: 'readFallback.openMs',
  READ_FALLBACK_TIMEOUT_MS: 'readFallback.timeoutMs',
  READ_YOUR_WRITES_TIMEOUT_MS: 'readYourWrites.timeoutMs',
} as const;

export const defaultConfigFile = new URL('../config/config.yaml', import.meta.url);

export const readConfig = (): Config => readServiceConfig(configSchema, envMapping, defaultConfigFile);

/** The database a MongoDB URI names (`mongodb://host:27017/auditdb?...` -> `auditdb`), if any. */
export function databaseOf(uri: string): string | undefined {
  const name = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(uri)?.[1];
  return name ? decodeURIComponent(name) : undefined;
}
