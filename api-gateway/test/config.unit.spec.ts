import { fileURLToPath } from 'node:url';
import { loadConfig } from '@cqrs-products/config';
import { describe, expect, it } from 'vitest';
import { configSchema, defaultConfigFile, envMapping } from '../src/config.js';
import { defaultBodyLimitBytes, largestProductBodyBytes } from '../src/http/body-limit.js';

// The config as main.ts reads it, without the process: the error's message is the one line main
// prints before it exits 1 (that part runs as a process in e2e/test/startup/api-gateway.e2e.spec.ts).
const load = (env: Record<string, string>) =>
  loadConfig({ schema: configSchema, envMapping, file: fileURLToPath(defaultConfigFile), env });
const refusal = (env: Record<string, string>): string | undefined => {
  try {
    load(env);
  } catch (error) {
    return (error as Error).message;
  }
  return undefined;
};

describe('api-gateway config, wrong values', () => {
  it('names the key and its variable in one line', () => {
    expect(refusal({ READER_SERVICE_ADDR: 'reader-service' })).toBe(
      'invalid config: readerService.addr (env READER_SERVICE_ADDR): expected host:port',
    );
  });

  it('rejects an unknown log level', () => {
    expect(refusal({ LOG_LEVEL: 'loud' })).toMatch(/^invalid config: logLevel \(env LOG_LEVEL\): .+$/);
  });
});

describe('the HTTP body limit', () => {
  const bodyLimitWith = (env: Record<string, string>) => load(env).http.bodyLimitBytes;

  it('defaults to the limit derived from the product schema, not a number in config.yaml', () => {
    expect(bodyLimitWith({})).toBe(defaultBodyLimitBytes);
  });

  it('may be raised, or set to exactly the largest valid body', () => {
    expect(bodyLimitWith({ HTTP_BODY_LIMIT_BYTES: '1048576' })).toBe(1_048_576);
    expect(bodyLimitWith({ HTTP_BODY_LIMIT_BYTES: String(largestProductBodyBytes) })).toBe(
      largestProductBodyBytes,
    );
  });

  it('refuses, in one line, a limit below the largest valid body', () => {
    expect(refusal({ HTTP_BODY_LIMIT_BYTES: '16384' })).toBe(
      `invalid config: http.bodyLimitBytes (env HTTP_BODY_LIMIT_BYTES): must be at least ${largestProductBodyBytes}, ` +
        'the largest valid product body with every character JSON-escaped',
    );
  });
});
