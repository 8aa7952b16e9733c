import { fileURLToPath } from 'node:url';
import { loadConfig } from '@cqrs-products/config';
import { describe, expect, it } from 'vitest';
import { configSchema, defaultConfigFile, envMapping } from '../src/config.js';

describe('writer-service config', () => {
  const load = (env: Record<string, string>) =>
    loadConfig({ schema: configSchema, file: fileURLToPath(defaultConfigFile), envMapping, env });

  it('reads the topic prefix and outbox settings from the environment', () => {
    const config = load({
      KAFKA_TOPIC_PREFIX: 'test_',
      OUTBOX_POLL_INTERVAL_MS: '250',
      OUTBOX_BATCH_SIZE: '20',
    });
    expect(config.kafka.topicPrefix).toBe('test_');
    expect(config.outbox).toEqual({ pollIntervalMs: 250, batchSize: 20 });
  });

  it('defaults to no prefix and fills in outbox settings a config file leaves out', () => {
    expect(load({}).kafka.topicPrefix).toBe('');
    const withoutOutbox = configSchema.parse({ ...load({}), outbox: undefined });
    expect(withoutOutbox.outbox).toEqual({ pollIntervalMs: 500, batchSize: 500 });
  });

  it('reads the parking window from the environment and defaults it to 30 s', () => {
    expect(load({}).commands.parkWindowMs).toBe(30_000);
    expect(configSchema.parse({ ...load({}), commands: undefined }).commands.parkWindowMs).toBe(30_000);
    expect(load({ COMMAND_PARK_WINDOW_MS: '5000' }).commands.parkWindowMs).toBe(5_000);
    expect(() => load({ COMMAND_PARK_WINDOW_MS: '10' })).toThrow(
      /^invalid config: commands\.parkWindowMs \(env COMMAND_PARK_WINDOW_MS\)/,
    );
  });

  it('names an outbox batch size that is not positive', () => {
    expect(() => load({ OUTBOX_BATCH_SIZE: '0' })).toThrow(
      /^invalid config: outbox\.batchSize \(env OUTBOX_BATCH_SIZE\)/,
    );
  });
});
