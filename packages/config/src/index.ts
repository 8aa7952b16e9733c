import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Environment variable name -> dotted path in the config object it overrides. */
export type EnvMapping = Readonly<Record<string, string>>;

export interface LoadConfigOptions<S extends z.ZodType> {
  readonly schema: S;
  /** YAML file read first; a missing file is fine (env alone may configure everything). */
  readonly file?: string | undefined;
  readonly envMapping: EnvMapping;
  readonly env?: NodeJS.ProcessEnv;
}

/** Startup configuration is wrong: the message is one line naming the key (and its env name). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads the YAML file, lets environment variables override single keys (12-factor), then
 * validates the merged object once. The result is deep-frozen: config is read, never changed.
 */
export function loadConfig<S extends z.ZodType>(options: LoadConfigOptions<S>): z.infer<S> {
  const env = options.env ?? process.env;
  const merged = options.file ? readYaml(options.file) : {};
  for (const [name, path] of Object.entries(options.envMapping)) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(merged, path, value);
  }

  const result = options.schema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(describeIssue(result.error.issues[0], options.envMapping));
  }
  return deepFreeze(result.data);
}

function readYaml(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`invalid config file ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`invalid config file ${file}: expected a mapping at the top level`);
  }
  return parsed as Record<string, unknown>;
}

function setPath(target: Record<string, unknown>, path: string, value: string): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

function describeIssue(issue: z.core.$ZodIssue | undefined, envMapping: EnvMapping): string {
  if (!issue) return 'invalid config';
  const key = issue.path.join('.');
  const envName = Object.entries(envMapping).find(([, path]) => path === key)?.[0];
  const where = envName ? `${key} (env ${envName})` : key;
  return `invalid config: ${where}: ${issue.message}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Reusable field schemas so services describe the same things the same way. */
export const fields = {
  port: z.coerce.number().int().min(0).max(65_535),
  /** Comma-separated in env, a list in YAML. */
  brokers: z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port')).min(1),
  ),
  url: (protocols: readonly string[]) =>
    z.url({
      protocol: new RegExp(`^(${protocols.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`),
      error: `expected a ${protocols.join(' or ')} URL`,
    }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
};

/**
 * For a service's entry point: a wrong config ends the process with exit code 1 and exactly one
 * line on stderr naming the key, before anything is started or connected.
 */
export function loadConfigOrExit<S extends z.ZodType>(options: LoadConfigOptions<S>): z.infer<S> {
  try {
    return loadConfig(options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** Keys every service has: its name, log level, bind address, probe and metrics ports. */
export const serviceFields = {
  serviceName: z.string().min(1),
  logLevel: fields.logLevel,
  host: z.string().min(1),
  probes: z.object({ port: fields.port }),
  metrics: z.object({ port: fields.port }),
};

/** Topic creation at start-up: whether, and with how many partitions and replicas. */
export const topicSettings = z.object({
  create: z.stringbool().or(z.boolean()),
  partitions: z.coerce.number().int().min(1),
  replicationFactor: z.coerce.number().int().min(1),
});

/** Kafka settings of a service that consumes in a group and creates the topics it uses. */
export const consumerKafka = z.object({
  brokers: fields.brokers,
  groupId: z.string().min(1),
  // Empty in production; tests give each file its own prefix (see productTopics).
  topicPrefix: z.string().default(''),
  topics: topicSettings,
});

/** Environment names for `consumerKafka`, under `kafka.` (brokers are in `commonEnv`). */
export const consumerKafkaEnv = {
  KAFKA_GROUP_ID: 'kafka.groupId',
  KAFKA_TOPIC_PREFIX: 'kafka.topicPrefix',
  KAFKA_CREATE_TOPICS: 'kafka.topics.create',
  KAFKA_TOPIC_PARTITIONS: 'kafka.topics.partitions',
  KAFKA_TOPIC_REPLICATION_FACTOR: 'kafka.topics.replicationFactor',
} as const;

/**
 * Keys of a service that serves gRPC and consumes in a Kafka group (the writer and the reader):
 * `serviceFields`, `grpc.port` and `consumerKafka`. A service may replace `kafka` with an extension.
 */
export const grpcConsumerFields = {
  ...serviceFields,
  grpc: z.object({ port: fields.port }),
  kafka: consumerKafka,
};

/**
 * A service's config: its `config/config.yaml` (or CONFIG_FILE) overridden by the environment;
 * exits with one line naming the key when something is wrong.
 */
export function readServiceConfig<S extends z.ZodType>(
  schema: S,
  envMapping: EnvMapping,
  defaultFile: URL,
): z.infer<S> {
  return loadConfigOrExit({
    schema,
    envMapping,
    file: process.env.CONFIG_FILE ?? fileURLToPath(defaultFile),
  });
}

/** Every service shares these environment names (DESIGN.md, "Configuration"). */
export const commonEnv = {
  LOG_LEVEL: 'logLevel',
  HOST: 'host',
  PROBES_PORT: 'probes.port',
  METRICS_PORT: 'metrics.port',
  KAFKA_BROKERS: 'kafka.brokers',
} as const;

/** Environment names for `grpcConsumerFields`: `commonEnv`, `consumerKafkaEnv` and GRPC_PORT. */
export const grpcConsumerEnv = {
  ...commonEnv,
  ...consumerKafkaEnv,
  GRPC_PORT: 'grpc.port',
} as const;
