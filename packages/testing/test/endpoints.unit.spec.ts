import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { infraHome, testEndpoints } from '../src/index.js';
import { assertControlsTestedServer } from '../src/infra-control.js';

const emptyHome = mkdtempSync(join(tmpdir(), 'infra-home-empty-'));
const secondHome = mkdtempSync(join(tmpdir(), 'infra-home-second-'));
writeFileSync(
  join(secondHome, 'env'),
  [
    'POSTGRES_URL=postgres://postgres:postgres@127.0.0.1:6432/products',
    'REDIS_URL=redis://127.0.0.1:7379',
    'KAFKA_BROKERS=127.0.0.1:10092',
    'MONGO_URI=mongodb://127.0.0.1:28017/products',
    '',
  ].join('\n'),
);
afterAll(() => {
  rmSync(emptyHome, { recursive: true, force: true });
  rmSync(secondHome, { recursive: true, force: true });
});

describe('test endpoints', () => {
  it('are the native infra default ports when nothing is configured', () => {
    expect(testEndpoints({ INFRA_HOME: emptyHome })).toEqual({
      kafkaBrokers: ['127.0.0.1:9092'],
      postgresUrl: 'postgres://postgres:postgres@127.0.0.1:5432/products',
      mongoUri: 'mongodb://127.0.0.1:27017/products',
      redisUrl: 'redis://127.0.0.1:6379',
    });
  });

  it('move every port by INFRA_PORT_OFFSET, as scripts/infra does', () => {
    expect(testEndpoints({ INFRA_HOME: emptyHome, INFRA_PORT_OFFSET: '1000' })).toEqual({
      kafkaBrokers: ['127.0.0.1:10092'],
      postgresUrl: 'postgres://postgres:postgres@127.0.0.1:6432/products',
      mongoUri: 'mongodb://127.0.0.1:28017/products',
      redisUrl: 'redis://127.0.0.1:7379',
    });
    expect(() => testEndpoints({ INFRA_PORT_OFFSET: 'ten' })).toThrow(/INFRA_PORT_OFFSET/);
  });

  it('come from the env file of INFRA_HOME, and variables that are set win over it', () => {
    expect(testEndpoints({ INFRA_HOME: secondHome }).kafkaBrokers).toEqual(['127.0.0.1:10092']);
    expect(
      testEndpoints({ INFRA_HOME: secondHome, REDIS_URL: 'redis://elsewhere:1', KAFKA_BROKERS: 'a:1, b:2' }),
    ).toMatchObject({ redisUrl: 'redis://elsewhere:1', kafkaBrokers: ['a:1', 'b:2'] });
  });

  it('resolve a relative INFRA_HOME against the working directory', () => {
    expect(infraHome({ INFRA_HOME: 'some/where' })).toBe(join(process.cwd(), 'some/where'));
  });
});

describe('stopping a native server', () => {
  it('is allowed when the tests use the server of that instance', () => {
    expect(() =>
      assertControlsTestedServer('kafka', { INFRA_HOME: secondHome, KAFKA_BROKERS: '127.0.0.1:10092' }),
    ).not.toThrow();
  });

  it('is refused when the tests use another instance than the scripts would stop', () => {
    expect(() =>
      assertControlsTestedServer('postgres', {
        INFRA_HOME: secondHome,
        POSTGRES_URL: 'postgres://postgres:postgres@127.0.0.1:5432/products',
      }),
    ).toThrow(/tests use 127\.0\.0\.1:5432 but the native infra at .* serves 127\.0\.0\.1:6432/);
    expect(() => assertControlsTestedServer('redis', { INFRA_HOME: emptyHome })).toThrow(/no native infra/);
  });
});
