import { fileURLToPath } from 'node:url';
import { runServiceMainToExit } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';
import { largestProductBodyBytes } from '../../../api-gateway/src/http/body-limit.js';

// The service's real entry point as a process: a wrong config must end it with one clear line.
// How each value is judged is unit-tested in config.unit and producer-config.unit.
const serviceDir = fileURLToPath(new URL('../../../api-gateway/', import.meta.url));

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

  it('refuses at start, in one line, an HTTP body limit below the largest valid body', () => {
    const result = runServiceMainToExit(serviceDir, { HTTP_BODY_LIMIT_BYTES: '16384' });

    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `invalid config: http.bodyLimitBytes (env HTTP_BODY_LIMIT_BYTES): must be at least ${largestProductBodyBytes}, ` +
        'the largest valid product body with every character JSON-escaped\n',
    );
  });

  it('stops with one line naming a wrong batching variable', () => {
    const result = runServiceMainToExit(serviceDir, { KAFKA_PRODUCER_MAX_QUEUED: '0' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^invalid config: kafka\.producer\.maxQueued \(env KAFKA_PRODUCER_MAX_QUEUED\): .*\n$/,
    );
  });
});
