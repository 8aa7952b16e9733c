import { fileURLToPath } from 'node:url';
import { runServiceMainToExit } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';

// The service's real entry point as a process: a wrong config must end it with one clear line.
const serviceDir = fileURLToPath(new URL('../../../reader-service/', import.meta.url));

describe('reader-service start-up with a wrong config', () => {
  it('stops with exit code 1 and one line naming the key and its variable', () => {
    const result = runServiceMainToExit(serviceDir, { MONGO_URI: 'http://127.0.0.1:27017' });

    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'invalid config: mongo.uri (env MONGO_URI): expected a mongodb or mongodb+srv URL\n',
    );
  });
});
