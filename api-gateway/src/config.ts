import { commonEnv, fields, readServiceConfig, serviceFields } from '@cqrs-products/config';
import { z } from 'zod';
import { defaultBodyLimitBytes, largestProductBodyBytes } from './http/body-limit.js';
import { defaultBatching } from './kafka/command-batching.js';

export const configSchema = z.object({
  ...serviceFields,
  http: z.object({
    port: fields.port,
    // Derived from the product schema (http/body-limit.ts); may be raised, never set below a body
    // the schema allows (that body would be refused with 413 although the API documents it as valid).
    bodyLimitBytes: z.coerce
      .number()
      .int()
      .min(
        largestProductBodyBytes,
        `must be at least ${largestProductBodyBytes}, the largest valid product body with every character JSON-escaped`,
      )
      .max(10_485_760)
      .default(defaultBodyLimitBytes),
  }),
  kafka: z.object({
    brokers: fields.brokers,
    topicPrefix: z.string(),
    // Command batching: concurrent commands share one produce request (kafka/command-publisher.ts).
    producer: z
      .object({
        lingerMs: z.coerce.number().int().min(0).max(1_000).default(defaultBatching.lingerMs),
        maxBatch: z.coerce.number().int().min(1).max(10_000).default(defaultBatching.maxBatch),
        // Beyond it a command is answered 503 at once: memory stays bounded and so does the wait.
        maxQueued: z.coerce.number().int().min(1).max(1_000_000).default(defaultBatching.maxQueued),
      })
      .prefault({}),
  }),
  readerService: z.object({
    addr: z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port'),
    deadlineMs: z.coerce.number().int().min(1),
  }),
});

export type Config = z.infer<typeof configSchema>;

export const envMapping = {
  ...commonEnv,
  KAFKA_TOPIC_PREFIX: 'kafka.topicPrefix',
  KAFKA_PRODUCER_LINGER_MS: 'kafka.producer.lingerMs',
  KAFKA_PRODUCER_MAX_BATCH: 'kafka.producer.maxBatch',
  KAFKA_PRODUCER_MAX_QUEUED: 'kafka.producer.maxQueued',
  HTTP_PORT: 'http.port',
  HTTP_BODY_LIMIT_BYTES: 'http.bodyLimitBytes',
  READER_SERVICE_ADDR: 'readerService.addr',
  READER_SERVICE_DEADLINE_MS: 'readerService.deadlineMs',
} as const;

export const defaultConfigFile = new URL('../config/config.yaml', import.meta.url);

export const readConfig = (): Config => readServiceConfig(configSchema, envMapping, defaultConfigFile);
