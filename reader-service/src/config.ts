import {
  commonEnv,
  consumerKafka,
  consumerKafkaEnv,
  fields,
  readServiceConfig,
  serviceFields,
} from '@cqrs-products/config';
import { z } from 'zod';

export const configSchema = z.object({
  ...serviceFields,
  grpc: z.object({ port: fields.port }),
  kafka: consumerKafka,
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
  ...consumerKafkaEnv,
  GRPC_PORT: 'grpc.port',
  MONGO_URI: 'mongo.uri',
  MONGO_DATABASE: 'mongo.database',
  MONGO_COLLECTION: 'mongo.collection',
  REDIS_URL: 'redis.url',
  REDIS_KEY_PREFIX: 'redis.keyPrefix',
  REDIS_TTL_SECONDS: 'redis.ttlSeconds',
  REDIS_COMMAND_TIMEOUT_MS: 'redis.commandTimeoutMs',
} as const;

export const defaultConfigFile = new URL('../config/config.yaml', import.meta.url);

export const readConfig = (): Config => readServiceConfig(configSchema, envMapping, defaultConfigFile);
