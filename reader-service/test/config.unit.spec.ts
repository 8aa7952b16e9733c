import { describe, expect, it } from 'vitest';
import { configErrorOf as errorOf, loadReaderConfig as load } from './support/config-loading.js';

describe('the read-model database', () => {
  it('is the one MONGO_URI names, unless MONGO_DATABASE says otherwise', () => {
    expect(load({}).mongo.database).toBe('products');
    expect(load({ MONGO_URI: 'mongodb://127.0.0.1:27017/auditdb?retryWrites=false' }).mongo.database).toBe(
      'auditdb',
    );
    expect(load({ MONGO_URI: 'mongodb://127.0.0.1:27017/audit%20db' }).mongo.database).toBe('audit db');
    expect(
      load({ MONGO_URI: 'mongodb://127.0.0.1:27017/auditdb', MONGO_DATABASE: 'other' }).mongo.database,
    ).toBe('other');
    expect(load({ MONGO_URI: 'mongodb://127.0.0.1:27017' }).mongo.database).toBe('products');
  });
});

describe('batch projection, Redis index and MongoDB fallback settings', () => {
  const settingsOf = (config: ReturnType<typeof load>) => ({
    maxBatchSize: config.kafka.maxBatchSize,
    index: config.redis.index,
    readFallback: config.readFallback,
  });

  it('default to batches of 500, the index on, and a bounded fallback', () => {
    expect(settingsOf(load({}))).toEqual({
      maxBatchSize: 500,
      index: { enabled: true, lockMs: 30_000, warmUpChunk: 1_000, retryMs: 5_000 },
      readFallback: { maxConcurrent: 4, failureThreshold: 5, openMs: 5_000, timeoutMs: 2_000 },
    });
  });

  it('take the same defaults when the file does not name them', () => {
    const config = load(
      {
        SERVICE_NAME: 'reader',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        GRPC_PORT: '1',
        PROBES_PORT: '2',
        METRICS_PORT: '3',
        KAFKA_BROKERS: '127.0.0.1:9092',
        KAFKA_GROUP_ID: 'g',
        KAFKA_CREATE_TOPICS: 'false',
        KAFKA_TOPIC_PARTITIONS: '1',
        KAFKA_TOPIC_REPLICATION_FACTOR: '1',
        MONGO_URI: 'mongodb://127.0.0.1:27017',
        MONGO_DATABASE: 'products',
        MONGO_COLLECTION: 'products',
        REDIS_URL: 'redis://127.0.0.1:6379',
        REDIS_KEY_PREFIX: 'p:',
        REDIS_TTL_SECONDS: '300',
        REDIS_COMMAND_TIMEOUT_MS: '500',
      },
      undefined,
    );
    expect(config.redis.index.enabled).toBe(true);
    expect(config.readFallback.maxConcurrent).toBe(4);
  });

  it('are read from their environment variables', () => {
    const config = load({
      KAFKA_MAX_BATCH_SIZE: '200',
      REDIS_INDEX_ENABLED: 'false',
      REDIS_INDEX_LOCK_MS: '60000',
      REDIS_INDEX_WARMUP_CHUNK: '250',
      REDIS_INDEX_RETRY_MS: '1000',
      READ_FALLBACK_MAX_CONCURRENT: '8',
      READ_FALLBACK_FAILURE_THRESHOLD: '3',
      READ_FALLBACK_OPEN_MS: '2000',
      READ_FALLBACK_TIMEOUT_MS: '750',
    });
    expect(settingsOf(config)).toEqual({
      maxBatchSize: 200,
      index: { enabled: false, lockMs: 60_000, warmUpChunk: 250, retryMs: 1_000 },
      readFallback: { maxConcurrent: 8, failureThreshold: 3, openMs: 2_000, timeoutMs: 750 },
    });
  });

  it.each([
    [{ KAFKA_MAX_BATCH_SIZE: '0' }, /^invalid config: kafka\.maxBatchSize \(env KAFKA_MAX_BATCH_SIZE\): /],
    [
      { REDIS_INDEX_ENABLED: 'perhaps' },
      /^invalid config: redis\.index\.enabled \(env REDIS_INDEX_ENABLED\): /,
    ],
    [
      { READ_FALLBACK_MAX_CONCURRENT: '0' },
      /^invalid config: readFallback\.maxConcurrent \(env READ_FALLBACK/,
    ],
    [
      { READ_FALLBACK_TIMEOUT_MS: 'soon' },
      /^invalid config: readFallback\.timeoutMs \(env READ_FALLBACK_TIMEOUT_MS\)/,
    ],
  ])('refuse %j with one line naming the key', (env, message) => {
    expect(errorOf(env)).toMatch(message);
  });
});
