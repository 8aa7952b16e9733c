import { fileURLToPath } from 'node:url';
import {
  databaseUrl,
  type Endpoints,
  freePort,
  migrationsDir,
  type ServiceName,
  type ServiceProcess,
  startServiceProcess,
  withPostgresClient,
} from '@cqrs-products/testing';
import { runner } from 'node-pg-migrate';
import pg from 'pg';

/**
 * The three services on data that outlives them, for the scale benchmark: one fixed name per
 * seeded size (`bench_n100000`) gives the PostgreSQL database, the MongoDB database, the topic
 * prefix, the consumer groups and the Redis key prefix. Unlike `startStack` (packages/testing),
 * stopping it drops nothing, so a seeded 100k database is reused by the next run.
 *
 * Why a reset keeps the topics and consumer groups: the groups' offsets sit at the end of the
 * topics once a run has drained, so fresh databases start empty, and a topic deleted and at once
 * created again can still be "marked for deletion" on the broker. `dropBenchData` removes all.
 */

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

export interface ScaleStack {
  readonly name: string;
  readonly apiUrl: string;
  /** The reader's gRPC address, for a second gateway (a profiled one, bench/get-path.ts). */
  readonly readerAddress: string;
  readonly metricsUrls: Record<ServiceName, string>;
  readonly services: Record<ServiceName, ServiceProcess>;
  readonly pool: pg.Pool;
  readonly redisKeyPrefix: string;
  readonly topicPrefix: string;
  /** Stops the services (drains nothing, drops nothing). */
  stop(): Promise<void>;
}

export interface ScaleStackOptions {
  readonly partitions: number;
  readonly logLevel: string;
  /** More variables for every service (the configuration table's names), for A/B runs. */
  readonly env?: Readonly<Record<string, string>>;
  /** Node flags per service, e.g. `--cpu-prof` (bench/get-path.ts). */
  readonly nodeArgs?: Partial<Record<ServiceName, readonly string[]>>;
}

export async function startScaleStack(
  endpoints: Endpoints,
  name: string,
  options: ScaleStackOptions,
): Promise<ScaleStack> {
  const url = databaseUrl(endpoints.postgresUrl, name);
  await withPostgresClient(endpoints.postgresUrl, async (c) => {
    const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await c.query(`CREATE DATABASE "${name}"`);
  });
  // Applies only what is pending: a kept database is already at the latest schema.
  await runner({
    databaseUrl: url,
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    count: Number.POSITIVE_INFINITY,
    log: () => {},
  });

  const topicPrefix = `${name}_`;
  const redisKeyPrefix = `${name}:`;
  const ports = {
    readerGrpc: await freePort(),
    gatewayHttp: await freePort(),
    writerGrpc: await freePort(),
  };
  const common = {
    // The heap limits `make up` and the images run with (scripts/stack/lib.sh, docker/*.Dockerfile);
    // the caller's own NODE_OPTIONS wins, as there.
    NODE_OPTIONS: process.env.NODE_OPTIONS ?? '--max-old-space-size=384 --max-semi-space-size=8',
    ...options.env,
    LOG_LEVEL: options.logLevel,
    HOST: '127.0.0.1',
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    // Only used when the topics are first created: a kept topic keeps its partitions.
    KAFKA_TOPIC_PARTITIONS: String(options.partitions),
  };
  const env: Record<ServiceName, Record<string, string>> = {
    'writer-service': {
      ...common,
      POSTGRES_URL: url,
      KAFKA_GROUP_ID: `${name}_writer`,
      GRPC_PORT: String(ports.writerGrpc),
    },
    'reader-service': {
      ...common,
      MONGO_URI: endpoints.mongoUri,
      MONGO_DATABASE: name,
      SEARCH_POSTGRES_URL: Object.assign(new URL(endpoints.postgresUrl), {
        pathname: `/${name}_search`,
      }).toString(),
      REDIS_URL: endpoints.redisUrl,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      KAFKA_GROUP_ID: `${name}_reader`,
      GRPC_PORT: String(ports.readerGrpc),
    },
    'api-gateway': {
      ...common,
      HTTP_PORT: String(ports.gatewayHttp),
      READER_SERVICE_ADDR: `127.0.0.1:${ports.readerGrpc}`,
    },
  };

  const services = {} as Record<ServiceName, ServiceProcess>;
  const metricsUrls = {} as Record<ServiceName, string>;
  const stopAll = async () => {
    // Reverse order: no new commands, then no new events, then the projection.
    for (const service of ['api-gateway', 'writer-service', 'reader-service'] as const)
      await services[service]?.stop();
  };
  try {
    // Data-flow order: the writer creates the topics, the reader projects, the gateway serves.
    for (const service of ['writer-service', 'reader-service', 'api-gateway'] as const) {
      const [probes, metrics] = [await freePort(), await freePort()];
      metricsUrls[service] = `http://127.0.0.1:${metrics}/metrics`;
      services[service] = await startServiceProcess(
        `${repoRoot}${service}`,
        { ...env[service], PROBES_PORT: String(probes), METRICS_PORT: String(metrics) },
        `http://127.0.0.1:${probes}/ready`,
        120_000,
        // Compiled JavaScript, as `make up` and the images run it: the RSS and CPU users will see
        // (tsx alone adds tens of MB per service).
        { compiled: true, nodeArgs: options.nodeArgs?.[service] ?? [] },
      );
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    name,
    apiUrl: `http://127.0.0.1:${ports.gatewayHttp}/api/v1`,
    readerAddress: `127.0.0.1:${ports.readerGrpc}`,
    metricsUrls,
    services,
    pool,
    redisKeyPrefix,
    topicPrefix,
    stop: async () => {
      await stopAll();
      await pool.end();
    },
  };
}
