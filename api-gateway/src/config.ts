import { commonEnv, fields, readServiceConfig, serviceFields } from '@cqrs-products/config';
import { z } from 'zod';

export const configSchema = z.object({
  ...serviceFields,
  http: z.object({
    port: fields.port,
    bodyLimitBytes: z.coerce.number().int().min(1_024).max(10_485_760),
  }),
  kafka: z.object({ brokers: fields.brokers, topicPrefix: z.string() }),
  readerService: z.object({
    addr: z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port'),
    deadlineMs: z.coerce.number().int().min(1),
  }),
});

export type Config = z.infer<typeof configSchema>;

export const envMapping = {
  ...commonEnv,
  KAFKA_TOPIC_PREFIX: 'kafka.topicPrefix',
  HTTP_PORT: 'http.port',
  HTTP_BODY_LIMIT_BYTES: 'http.bodyLimitBytes',
  READER_SERVICE_ADDR: 'readerService.addr',
  READER_SERVICE_DEADLINE_MS: 'readerService.deadlineMs',
} as const;

export const defaultConfigFile = new URL('../config/config.yaml', import.meta.url);

export const readConfig = (): Config => readServiceConfig(configSchema, envMapping, defaultConfigFile);
