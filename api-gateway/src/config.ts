import { commonEnv, fields, loadConfigOrExit } from '@cqrs-products/config';
import { z } from 'zod';

export const configSchema = z.object({
  serviceName: z.string().min(1),
  logLevel: fields.logLevel,
  host: z.string().min(1),
  http: z.object({
    port: fields.port,
    bodyLimitBytes: z.coerce.number().int().min(1_024).max(10_485_760),
  }),
  probes: z.object({ port: fields.port }),
  metrics: z.object({ port: fields.port }),
  kafka: z.object({ brokers: fields.brokers, topicPrefix: z.string() }),
  readerService: z.object({
    addr: z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port'),
    deadlineMs: z.coerce.number().int().min(1),
  }),
});

export type Config = z.infer<typeof configSchema>;

export const envMapping = {
  ...commonEnv,
  HTTP_PORT: 'http.port',
  HTTP_BODY_LIMIT_BYTES: 'http.bodyLimitBytes',
  KAFKA_TOPIC_PREFIX: 'kafka.topicPrefix',
  READER_SERVICE_ADDR: 'readerService.addr',
  READER_SERVICE_DEADLINE_MS: 'readerService.deadlineMs',
} as const;

export const defaultConfigFile = new URL('../config/config.yaml', import.meta.url).pathname;

export const readConfig = (): Config =>
  loadConfigOrExit({ schema: configSchema, file: process.env.CONFIG_FILE ?? defaultConfigFile, envMapping });
