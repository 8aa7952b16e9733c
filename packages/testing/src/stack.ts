import pg from 'pg';
import { type Endpoints, testEndpoints, uniqueName } from './endpoints.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import type { ServiceProcess } from './service-process.js';
import {
  type InstanceSpec,
  instanceSpec,
  launchInstance,
  type ServiceInstance,
  type ServiceName,
  type SharedEnv,
} from './stack-instances.js';

export type { ServiceInstance, ServiceName } from './stack-instances.js';

export interface StackOptions {
  readonly logLevel?: string;
  /** Instances per service (1 each by default); extra ones share the first one's data and group. */
  readonly writers?: number;
  readonly readers?: number;
  readonly gateways?: number;
  /** Partitions per topic (the first writer creates the topics); 3 by default. */
  readonly partitions?: number;
  /** More variables for every service (the configuration table's names), e.g. OUTBOX_BATCH_SIZE. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Stack {
  /** The first gateway's API, e.g. http://127.0.0.1:41234/api/v1 */
  readonly apiUrl: string;
  readonly database: TestDatabase;
  /** The reader's search database (the reader creates it at start; dropped by stop()). */
  readonly searchDatabaseUrl: string;
  readonly mongoUri: string;
  readonly mongoDatabase: string;
  readonly redisKeyPrefix: string;
  readonly topicPrefix: string;
  readonly partitions: number;
  /** Kafka consumer groups of the two consuming services (for lag checks). */
  readonly consumerGroups: Record<'writer-service' | 'reader-service', string>;
  /** The first instance of each service. */
  readonly services: Record<ServiceName, ServiceProcess>;
  /** host:port of the first writer's and the first reader's gRPC servers. */
  readonly grpcAddresses: Record<'writer-service' | 'reader-service', string>;
  /** The first instance's Prometheus endpoint, e.g. http://127.0.0.1:41235/metrics */
  readonly metricsUrls: Record<ServiceName, string>;
  /**
   * Every instance of each service, in start order. The gateways query the first reader, so a
   * test that kills readers and wants reads to go on kills a later one.
   */
  readonly instances: Record<ServiceName, readonly ServiceInstance[]>;
  /** Restarts the first instance of a service on its old ports (after stop() or kill()). */
  restart(name: ServiceName): Promise<ServiceProcess>;
  /**
   * Puts a new process in place of instance `index` (killing the old one if it still runs): the
   * same configuration on new ports, as an orchestrator replaces a crashed pod.
   */
  replace(name: ServiceName, index: number): Promise<ServiceInstance>;
  stop(): Promise<void>;
}

/**
 * The services as real processes on free loopback ports, with their own PostgreSQL databases (the
 * writer's, the reader's search), MongoDB database, Redis key prefix, topic prefix and consumer
 * groups, so a stack never sees another test's data. Start order follows the data flow: the first
 * writer (it creates the topics), the other writers, the readers, then the gateways.
 *
 * `options` may be a log level alone (the older call form).
 */
export async function startStack(
  endpoints: Endpoints = testEndpoints(),
  options: StackOptions | string = {},
): Promise<Stack> {
  const {
    logLevel = 'warn',
    writers = 1,
    readers = 1,
    gateways = 1,
    partitions = 3,
    env = {},
  } = typeof options === 'string' ? { logLevel: options } : options;
  const id = uniqueName('stack');
  const database = await createTestDatabase(endpoints.postgresUrl);
  const mongoUri = endpoints.mongoUri;
  const mongoDatabase = id;
  const searchDatabaseUrl = databaseUrl(endpoints.postgresUrl, `${id}_search`);
  const topicPrefix = `${id}_`;
  const redisKeyPrefix = `${id}:`;
  const consumerGroups = { 'writer-service': `${id}_writer`, 'reader-service': `${id}_reader` };

  const common = {
    ...env,
    LOG_LEVEL: logLevel,
    HOST: '127.0.0.1',
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    // Fewer partitions than production: each test stack creates its own topics.
    KAFKA_TOPIC_PARTITIONS: String(partitions),
  };
  const shared: Record<ServiceName, SharedEnv> = {
    'writer-service': {
      ...common,
      POSTGRES_URL: database.url,
      KAFKA_GROUP_ID: consumerGroups['writer-service'],
    },
    'reader-service': {
      ...common,
      MONGO_URI: mongoUri,
      MONGO_DATABASE: mongoDatabase,
      SEARCH_POSTGRES_URL: searchDatabaseUrl,
      REDIS_URL: endpoints.redisUrl,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      KAFKA_GROUP_ID: consumerGroups['reader-service'],
    },
    'api-gateway': common,
  };
  const counts: Record<ServiceName, number> = {
    'writer-service': writers,
    'reader-service': readers,
    'api-gateway': gateways,
  };
  const specs = {} as Record<ServiceName, InstanceSpec[]>;
  for (const name of ['writer-service', 'reader-service', 'api-gateway'] as const) {
    if (name === 'api-gateway')
      shared[name] = { ...common, READER_SERVICE_ADDR: specs['reader-service'][0]?.address ?? '' };
    specs[name] = [];
    for (let i = 0; i < counts[name]; i++) specs[name].push(await instanceSpec(name, shared[name]));
  }

  const instances: Record<ServiceName, ServiceInstance[]> = {
    'writer-service': [],
    'reader-service': [],
    'api-gateway': [],
  };
  const all = () => Object.values(instances).flat();
  const dropDatabases = async () => {
    await database.drop();
    await dropDatabase(endpoints.postgresUrl, searchDatabaseUrl);
  };
  try {
    // One at a time: on a small machine parallel start-ups each take longer than all in a row.
    for (const name of ['writer-service', 'reader-service', 'api-gateway'] as const)
      for (const spec of specs[name]) instances[name].push(await launchInstance(name, spec));
  } catch (error) {
    await Promise.all(all().map((s) => s.process.kill()));
    await dropDatabases();
    throw error;
  }

  const first = <T>(pick: (instance: ServiceInstance) => T) =>
    ({
      'writer-service': pick(instances['writer-service'][0] as ServiceInstance),
      'reader-service': pick(instances['reader-service'][0] as ServiceInstance),
      'api-gateway': pick(instances['api-gateway'][0] as ServiceInstance),
    }) as Record<ServiceName, T>;
  const services = first((instance) => instance.process);
  const metricsUrls = first((instance) => instance.metricsUrl);
  const addresses = first((instance) => instance.address);
  const grpcAddresses = {
    'writer-service': addresses['writer-service'],
    'reader-service': addresses['reader-service'],
  };

  return {
    apiUrl: `http://${addresses['api-gateway']}/api/v1`,
    metricsUrls,
    grpcAddresses,
    database,
    searchDatabaseUrl,
    mongoUri,
    mongoDatabase,
    redisKeyPrefix,
    topicPrefix,
    partitions,
    consumerGroups,
    services,
    instances,
    restart: async (name) => {
      const instance = await launchInstance(name, specs[name][0] as InstanceSpec);
      instances[name][0] = instance;
      services[name] = instance.process;
      return instance.process;
    },
    replace: async (name, index) => {
      const old = instances[name][index];
      if (!old) throw new Error(`${name} has no instance ${index}`);
      await old.process.kill();
      const spec = await instanceSpec(name, shared[name]);
      specs[name][index] = spec;
      const instance = await launchInstance(name, spec);
      instances[name][index] = instance;
      if (index === 0) {
        services[name] = instance.process;
        metricsUrls[name] = instance.metricsUrl;
        if (name !== 'api-gateway') grpcAddresses[name] = instance.address;
      }
      return instance;
    },
    stop: async () => {
      // Reverse order: no new commands, then no new events, then the projection.
      for (const name of ['api-gateway', 'writer-service', 'reader-service'] as const)
        await Promise.all(instances[name].map((instance) => instance.process.stop()));
      await dropDatabases();
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
