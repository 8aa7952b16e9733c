import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, fields, loadConfig } from '../src/index.js';

const schema = z.object({
  http: z.object({ port: fields.port }),
  kafka: z.object({ brokers: fields.brokers }),
  postgres: z.object({ url: fields.url(['postgres', 'postgresql']) }),
});
const envMapping = { HTTP_PORT: 'http.port', KAFKA_BROKERS: 'kafka.brokers', POSTGRES_URL: 'postgres.url' };

function yamlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'config-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

const file = yamlFile(`
http:
  port: 5001
kafka:
  brokers: [localhost:9092]
postgres:
  url: postgres://u:p@localhost:5432/products
`);

describe('loadConfig', () => {
  it('reads the YAML file when no environment overrides are set', () => {
    const config = loadConfig({ schema, file, envMapping, env: {} });
    expect(config).toEqual({
      http: { port: 5001 },
      kafka: { brokers: ['localhost:9092'] },
      postgres: { url: 'postgres://u:p@localhost:5432/products' },
    });
  });

  it('lets environment variables override single keys, coercing their text', () => {
    const config = loadConfig({
      schema,
      file,
      envMapping,
      env: { HTTP_PORT: '0', KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093' },
    });
    expect(config.http.port).toBe(0);
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
  });

  it('returns a frozen object', () => {
    const config = loadConfig({ schema, file, envMapping, env: {} });
    expect(Object.isFrozen(config.kafka.brokers)).toBe(true);
  });

  it('fails with one line naming the invalid key and its environment variable', () => {
    const load = () => loadConfig({ schema, file, envMapping, env: { POSTGRES_URL: 'mysql://x' } });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      /^invalid config: postgres\.url \(env POSTGRES_URL\): expected a postgres or postgresql URL$/,
    );
  });

  it('names a missing key', () => {
    const partial = yamlFile('http:\n  port: 1\nkafka:\n  brokers: [a:1]\n');
    expect(() => loadConfig({ schema, file: partial, envMapping, env: {} })).toThrow(
      /^invalid config: postgres: .*expected object, received undefined$/,
    );
  });

  it('reports a file that is not YAML in one line', () => {
    const broken = yamlFile('http: [unclosed');
    expect(() => loadConfig({ schema, file: broken, envMapping, env: {} })).toThrow(
      /^invalid config file .*config\.yaml: /,
    );
  });

  it('matches URL schemes literally, so a "+" in a scheme is not a regex operator', () => {
    const mongo = fields.url(['mongodb', 'mongodb+srv']);
    expect(mongo.safeParse('mongodb+srv://cluster.example/products').success).toBe(true);
    expect(mongo.safeParse('mongodbbsrv://cluster.example/products').success).toBe(false);
  });
});
