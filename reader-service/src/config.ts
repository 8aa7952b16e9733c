import { commonEnv, fields, loadConfigOrExit } from '@cqrs-products/config';
import { z } from 'zod';

const flag = z.stringbool().or(z.boolean());

export const configSchema = z.object({
  serviceName: z.string().min(1),
  logLevel: fields.logLevel,
  host: z.string().min(1),
  grpc: z.object({ port: fields.port }),
  probes: z.object({ port: fields.port }),
  metrics: z.object({ port: fields.port }),
  kafka: z.object({
    brokers: fields.brokers,
    groupId: z.string().min(1),
    /** Empty in production; tests give each file its own prefix (see productTopics). */
    topicPrefix: z.string().default(''),
    topics: z.object({
      create: flag,
      partitions: z.coerce.number().int().min(1),
      replicationFactor: z.coerce.number().int().min(1),
    }),
  }),
  mongo: z.object({
    uri: fields.url(['mongodb', 'mongodb+srv']),
    database: z.string().min(1),
    collection: z.string().min(1),
  }),
  redis: z.object({
    url: fields.url(['redis', 'rediss']),
    keyPrefix: z.string().min(1),
    ttlSeconds: z.coerce.number().int().min(1),
    /** Bounds how long a slow or hung Redis can delay a query before it falls back to MongoDB. */
    commandTimeoutMs: z.coerce.number().int().min(10).max(10_000),
  }),
});

export type Config = z.infer<typeof configSchema>;

export const envMapping = {
  ...commonEnv,
  GRPC_PORT: 'grpc.port',
  KAFKA_GROUP_ID: 'kafka.groupId',
  KAFKA_TOPIC_PREFIX: 'kafka.topicPrefix',
  KAFKA_CREATE_TOPICS: 'kafka.topics.create',
  KAFKA_TOPIC_PARTITIONS: 'kafka.topics.partitions',
  KAFKA_TOPIC_REPLICATION_FACTOR: 'kafka.topics.replicationFactor',
  MONGO_URI: 'mongo.uri',
  MONGO_DATABASE: 'mongo.database',
  MONGO_COLLECTION: 'mongo.collection',
  REDIS_URL: 'redis.url',
  REDIS_KEY_PREFIX: 'redis.keyPrefix',
  REDIS_TTL_SECONDS: 'redis.ttlSeconds',
  REDIS_COMMAND_TIMEOUT_MS: 'redis.commandTimeoutMs',
} as const;

export const defaultConfigFile = new URL('../config/config.yaml', import.meta.url).pathname;

export const readConfig = (): Config =>
  loadConfigOrExit({ schema: configSchema, file: process.env.CONFIG_FILE ?? defaultConfigFile, envMapping });
