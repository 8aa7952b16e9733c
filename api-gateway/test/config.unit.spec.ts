import { fileURLToPath } from 'node:url';
import { loadConfig } from '@cqrs-products/config';
import { runServiceMainToExit } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';
import { configSchema, defaultConfigFile, envMapping } from '../src/config.js';
import { defaultBodyLimitBytes, largestProductBodyBytes } from '../src/http/body-limit.js';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));

describe('api-gateway start-up with a wrong config', () => {
  it('stops with exit code 1 and one line naming the key and its variable', () => {
    const result = runServiceMainToExit(serviceDir, { READER_SERVICE_ADDR: 'reader-service' });

    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'invalid config: readerService.addr (env READER_SERVICE_ADDR): expected host:port\n',
    );
  });

  it('rejects an unknown log level', () => {
    const result = runServiceMainToExit(serviceDir, { LOG_LEVEL: 'loud' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^invalid config: logLevel \(env LOG_LEVEL\): .*\n$/);
  });
});

describe('the HTTP body limit', () => {
  const bodyLimitWith = (env: Record<string, string>) =>
    loadConfig({ schema: configSchema, envMapping, file: fileURLToPath(defaultConfigFile), env }).http
      .bodyLimitBytes;

  it('defaults to the limit derived from the product schema, not a number in config.yaml', () => {
    expect(bodyLimitWith({})).toBe(defaultBodyLimitBytes);
  });

  it('may be raised, or set to exactly the largest valid body', () => {
    expect(bodyLimitWith({ HTTP_BODY_LIMIT_BYTES: '1048576' })).toBe(1_048_576);
    expect(bodyLimitWith({ HTTP_BODY_LIMIT_BYTES: String(largestProductBodyBytes) })).toBe(
      largestProductBodyBytes,
    );
  });

  it('refuses at start, in one line, a limit below the largest valid body', () => {
    const result = runServiceMainToExit(serviceDir, { HTTP_BODY_LIMIT_BYTES: '16384' });

    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `invalid config: http.bodyLimitBytes (env HTTP_BODY_LIMIT_BYTES): must be at least ${largestProductBodyBytes}, ` +
        'the largest valid product body with every character JSON-escaped\n',
    );
  });
});
