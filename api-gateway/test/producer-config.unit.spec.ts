import { fileURLToPath } from 'node:url';
import { loadConfig } from '@cqrs-products/config';
import { describe, expect, it } from 'vitest';
import { configSchema, defaultConfigFile, envMapping } from '../src/config.js';

const load = (env: Record<string, string>) =>
  loadConfig({ schema: configSchema, file: fileURLToPath(defaultConfigFile), envMapping, env });

describe('api-gateway command batching config', () => {
  it('reads linger, batch size and queue bound from the environment', () => {
    const config = load({
      KAFKA_PRODUCER_LINGER_MS: '0',
      KAFKA_PRODUCER_MAX_BATCH: '50',
      KAFKA_PRODUCER_MAX_QUEUED: '200',
    });
    expect(config.kafka.producer).toEqual({ lingerMs: 0, maxBatch: 50, maxQueued: 200 });
  });

  it('fills in a few milliseconds of linger and bounded batches when nothing sets them', () => {
    expect(load({}).kafka.producer).toEqual({ lingerMs: 2, maxBatch: 500, maxQueued: 10_000 });
    const withoutProducer = configSchema.parse({
      ...load({}),
      kafka: { ...load({}).kafka, producer: undefined },
    });
    expect(withoutProducer.kafka.producer).toEqual({ lingerMs: 2, maxBatch: 500, maxQueued: 10_000 });
  });

  it.each([
    ['KAFKA_PRODUCER_LINGER_MS', '-1', 'kafka.producer.lingerMs'],
    ['KAFKA_PRODUCER_MAX_BATCH', '0', 'kafka.producer.maxBatch'],
    ['KAFKA_PRODUCER_MAX_QUEUED', 'lots', 'kafka.producer.maxQueued'],
  ])('names %s=%s as wrong', (name, value, key) => {
    expect(() => load({ [name]: value })).toThrow(`invalid config: ${key} (env ${name})`);
  });

  it('names a wrong batching variable in the one line the gateway stops with at start-up', () => {
    // The process itself, exit code and all: e2e/test/startup/api-gateway.e2e.spec.ts.
    expect(() => load({ KAFKA_PRODUCER_MAX_QUEUED: '0' })).toThrow(
      /^invalid config: kafka\.producer\.maxQueued \(env KAFKA_PRODUCER_MAX_QUEUED\): .+$/,
    );
  });
});
