/**
 * Where the test servers are. Read from the environment (what `make test` exports from
 * .infra/env, or any servers you point it at); defaults are the native infra's loopback ports.
 */
export interface Endpoints {
  readonly kafkaBrokers: string[];
  readonly postgresUrl: string;
  readonly mongoUri: string;
  readonly redisUrl: string;
}

export function testEndpoints(env: NodeJS.ProcessEnv = process.env): Endpoints {
  return {
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()),
    postgresUrl: env.POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/products',
    mongoUri: env.MONGO_URI ?? 'mongodb://127.0.0.1:27017/products',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}

/** Names that cannot collide between test files running in parallel or between runs. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
