import { fileURLToPath } from 'node:url';
import { runServiceMainToExit } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';

// The service's real entry point as a process: a wrong config must end it with one clear line.
const serviceDir = fileURLToPath(new URL('../../../writer-service/', import.meta.url));

describe('writer-service start-up with a wrong config', () => {
  it('stops with exit code 1 and one line naming the key and its variable', () => {
    const result = runServiceMainToExit(serviceDir, { POSTGRES_URL: 'mysql://root@localhost/products' });

    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'invalid config: postgres.url (env POSTGRES_URL): expected a postgres or postgresql URL\n',
    );
  });

  it('names a port that is not a number', () => {
    const result = runServiceMainToExit(serviceDir, { GRPC_PORT: 'fifty' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^invalid config: grpc\.port \(env GRPC_PORT\): .*expected number.*\n$/);
  });
});
