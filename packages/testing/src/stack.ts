import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type Endpoints, testEndpoints, uniqueName } from './endpoints.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { freePort, type ServiceProcess, startServiceProcess } from './service-process.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export type ServiceName = 'writer-service' | 'reader-service' | 'api-gateway';

export interface Stack {
  /** e.g. http://127.0.0.1:41234/api/v1 */
  readonly apiUrl: string;
  readonly database: TestDatabase;
  /** The reader's search database (the reader creates it at start; dropped by stop()). */
  readonly searchDatabaseUrl: string;
  readonly mongoUri: string;
  readonly mongoDatabase: string;
  readonly redisKeyPrefix: string;
  readonly topicPrefix: string;
  /** Kafka consumer groups of the two consuming services (for lag checks). */
  readonly consumerGroups: Record<'writer-service' | 'reader-service', string>;
  readonly services: Record<ServiceName, ServiceProcess>;
  /** host:port of the writer's and the reader's gRPC servers. */
  readonly grpcAddresses: Record<'writer-service' | 'reader-service', string>;
  /** Each service's Prometheus endpoint, e.g. http://127.0.0.1:41235/metrics */
  readonly metricsUrls: Record<ServiceName, string>;
  /** Restarts one service with the same configuration (after stop() or kill()). */
  restart(name: ServiceName): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

interface ServiceSpec {
  readonly env: Record<string, string>;
  readonly probesPort: number;
}

/**
 * The three services as real processes on free loopback ports, with their own PostgreSQL
 * databases (the writer's, the reader's search), MongoDB database, Redis key prefix, topic prefix
 * and consumer groups, so a stack never sees another test's data. Start order follows the data
 * flow: writer (creates the topics), reader, then the gateway.
 */
export async function startStack(endpoints: Endpoints = testEndpoints(), logLevel = 'warn'): Promise<Stack> {
  const id = uniqueName('stack');
  const database = await createTestDatabase(endpoints.postgresUrl);
  const mongoUri = endpoints.mongoUri;
  const mongoDatabase = id;
  const searchDatabaseUrl = databaseUrl(endpoints.postgresUrl, `${id}_search`);
  const topicPrefix = `${id}_`;
  const redisKeyPrefix = `${id}:`;
  const [readerGrpc, gatewayHttp] = [await freePort(), await freePort()];

  const common = {
    LOG_LEVEL: logLevel,
    HOST: '127.0.0.1',
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    // Fewer partitions than production: each test stack creates its own topics.
    KAFKA_TOPIC_PARTITIONS: '3',
  };
  const specs: Record<ServiceName, ServiceSpec> = {
    'writer-service': {
      probesPort: await freePort(),
      env: {
        ...common,
        POSTGRES_URL: database.url,
        KAFKA_GROUP_ID: `${id}_writer`,
        GRPC_PORT: String(await freePort()),
        METRICS_PORT: String(await freePort()),
      },
    },
    'reader-service': {
      probesPort: await freePort(),
      env: {
        ...common,
        MONGO_URI: mongoUri,
        MONGO_DATABASE: mongoDatabase,
        SEARCH_POSTGRES_URL: searchDatabaseUrl,
        REDIS_URL: endpoints.redisUrl,
        REDIS_KEY_PREFIX: redisKeyPrefix,
        KAFKA_GROUP_ID: `${id}_reader`,
        GRPC_PORT: String(readerGrpc),
        METRICS_PORT: String(await freePort()),
      },
    },
    'api-gateway': {
      probesPort: await freePort(),
      env: {
        ...common,
        HTTP_PORT: String(gatewayHttp),
        READER_SERVICE_ADDR: `127.0.0.1:${readerGrpc}`,
        METRICS_PORT: String(await freePort()),
      },
    },
  };

  const launch = (name: ServiceName) => {
    const spec = specs[name];
    return startServiceProcess(
      `${repoRoot}${name}`,
      { ...spec.env, PROBES_PORT: String(spec.probesPort) },
      `http://127.0.0.1:${spec.probesPort}/ready`,
    );
  };

  const services = {} as Record<ServiceName, ServiceProcess>;
  try {
    for (const name of ['writer-service', 'reader-service', 'api-gateway'] as const)
      services[name] = await launch(name);
  } catch (error) {
    await Promise.all(Object.values(services).map((s) => s.kill()));
    await database.drop();
    await dropDatabase(endpoints.postgresUrl, searchDatabaseUrl);
    throw error;
  }

  const metricsUrl = (name: ServiceName) => `http://127.0.0.1:${specs[name].env.METRICS_PORT}/metrics`;
  return {
    apiUrl: `http://127.0.0.1:${gatewayHttp}/api/v1`,
    metricsUrls: {
      'writer-service': metricsUrl('writer-service'),
      'reader-service': metricsUrl('reader-service'),
      'api-gateway': metricsUrl('api-gateway'),
    },
    grpcAddresses: {
      'writer-service': `127.0.0.1:${specs['writer-service'].env.GRPC_PORT}`,
      'reader-service': `127.0.0.1:${readerGrpc}`,
    },
    database,
    searchDatabaseUrl,
    mongoUri,
    mongoDatabase,
    redisKeyPrefix,
    topicPrefix,
    consumerGroups: {
      'writer-service': specs['writer-service'].env.KAFKA_GROUP_ID as string,
      'reader-service': specs['reader-service'].env.KAFKA_GROUP_ID as string,
    },
    services,
    restart: async (name) => {
      services[name] = await launch(name);
      return services[name];
    },
    stop: async () => {
      // Reverse order: no new commands, then no new events, then the projection.
      for (const name of ['api-gateway', 'writer-service', 'reader-service'] as const)
        await services[name].stop();
      await database.drop();
      await dropDatabase(endpoints.postgresUrl, searchDatabaseUrl);
    },
  };
}

const databaseUrl = (serverUrl: string, name: string): string => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

/** Drops a database on the server of `serverUrl` (it may not exist: a reader that never started). */
async function dropDatabase(serverUrl: string, url: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
