import { commonEnv, fields, loadConfigOrExit } from '@cqrs-products/config';
import { z } from 'zod';

export const configSchema = z.object({
  serviceName: z.string().min(1),
  logLevel: fields.logLevel,
  host: z.string().min(1),
  http: z.object({ port: fields.port }),
  probes: z.object({ port: fields.port }),
  metrics: z.object({ port: fields.port }),
  kafka: z.object({ brokers: fields.brokers }),
  readerService: z.object({ addr: z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port') }),
});

export type Config = z.infer<typeof configSchema>;

export const envMapping = {
  ...commonEnv,
  HTTP_PORT: 'http.port',
  READER_SERVICE_ADDR: 'readerService.addr',
} as const;

export const defaultConfigFile = new URL('../config/config.yaml', import.meta.url).pathname;

export const readConfig = (): Config =>
  loadConfigOrExit({ schema: configSchema, file: process.env.CONFIG_FILE ?? defaultConfigFile, envMapping });
