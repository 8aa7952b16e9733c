import { fields, grpcConsumerEnv, grpcConsumerFields, readServiceConfig } from '@cqrs-products/config';
import { z } from 'zod';

export const configSchema = z.object({
  ...grpcConsumerFields,
  postgres: z.object({
    url: fields.url(['postgres', 'postgresql']),
    poolSize: z.coerce.number().int().min(2).max(100),
  }),
  outbox: z
    .object({
      // The fallback when a NOTIFY is lost (e.g. the LISTEN connection was re-established):
      // it bounds the extra latency, it is not the normal path.
      pollIntervalMs: z.coerce.number().int().min(10).max(60_000).default(500),
      // Measured (20k pending rows, local broker): 100 per batch ~18k rows/s, 500 ~32k rows/s;
      // bigger batches catch up faster after a Kafka outage.
      batchSize: z.coerce.number().int().min(1).max(10_000).default(500),
    })
    .prefault({}),
  commands: z
    .object({
      // How long an update or delete of an unknown product waits (parked) for its create, which
      // travels on another topic and may arrive later; then it is dead-lettered as not found.
      parkWindowMs: z.coerce.number().int().min(100).max(86_400_000).default(30_000),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;

export const envMapping = {
  ...grpcConsumerEnv,
  POSTGRES_URL: 'postgres.url',
  POSTGRES_POOL_SIZE: 'postgres.poolSize',
  OUTBOX_POLL_INTERVAL_MS: 'outbox.pollIntervalMs',
  OUTBOX_BATCH_SIZE: 'outbox.batchSize',
  COMMAND_PARK_WINDOW_MS: 'commands.parkWindowMs',
} as const;

export const defaultConfigFile = new URL('../config/config.yaml', import.meta.url);

export const readConfig = (): Config => readServiceConfig(configSchema, envMapping, defaultConfigFile);
