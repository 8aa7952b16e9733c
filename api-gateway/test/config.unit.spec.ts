import { fileURLToPath } from 'node:url';
import { runServiceMainToExit } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';

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
