import { commonEnv, fields, loadConfigOrExit } from '@cqrs-products/config';
import { z } from 'zod';

export const configSchema = z.object({
  serviceName: z.string().min(1),
  logLevel: fields.logLevel,
  host: z.string().min(1),
  grpc: z.object({ port: fields.port }),
  probes: z.object({ port: fields.port }),
  metrics: z.object({ port: fields.port }),
  kafka: z.object({ brokers: fields.brokers, groupId: z.string().min(1) }),
  mongo: z.object({ uri: fields.url(['mongodb', 'mongodb+srv']) }),
  redis: z.object({
    url: fields.url(['redis', 'rediss']),
    ttlSeconds: z.coerce.number().int().min(1),
  }),
});

export type Config = z.infer<typeof configSchema>;

export const envMapping = {
  ...commonEnv,
  GRPC_PORT: 'grpc.port',
  KAFKA_GROUP_ID: 'kafka.groupId',
  MONGO_URI: 'mongo.uri',
  REDIS_URL: 'redis.url',
  REDIS_TTL_SECONDS: 'redis.ttlSeconds',
} as const;

export const defaultConfigFile = new URL('../config/config.yaml', import.meta.url).pathname;

export const readConfig = (): Config =>
  loadConfigOrExit({ schema: configSchema, file: process.env.CONFIG_FILE ?? defaultConfigFile, envMapping });
