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
  postgres: z.object({
    url: fields.url(['postgres', 'postgresql']),
    poolSize: z.coerce.number().int().min(2).max(100),
  }),
  outbox: z
    .object({
      // The fallback when a NOTIFY is lost (e.g. the LISTEN connection was re-established):
      // it bounds the extra latency, it is not the normal path.
      pollIntervalMs: z.coerce.number().int().min(10).max(60_000).default(500),
      batchSize: z.coerce.number().int().min(1).max(10_000).default(100),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;

export const envMapping = {
  ...commonEnv,
  ...consumerKafkaEnv,
  GRPC_PORT: 'grpc.port',
  POSTGRES_URL: 'postgres.url',
  POSTGRES_POOL_SIZE: 'postgres.poolSize',
  OUTBOX_POLL_INTERVAL_MS: 'outbox.pollIntervalMs',
  OUTBOX_BATCH_SIZE: 'outbox.batchSize',
} as const;

export const defaultConfigFile = new URL('../config/config.yaml', import.meta.url);

export const readConfig = (): Config => readServiceConfig(configSchema, envMapping, defaultConfigFile);
