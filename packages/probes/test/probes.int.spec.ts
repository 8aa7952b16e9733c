import { afterEach, describe, expect, it } from 'vitest';
import { type ProbeServer, startProbeServer } from '../src/index.js';

let server: ProbeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const get = async (path: string) => {
  const res = await fetch(`http://127.0.0.1:${server?.port}${path}`);
  return { status: res.status, body: await res.json() };
};

describe('probe server', () => {
  it('answers /live without running dependency checks', async () => {
    server = await startProbeServer({
      host: '127.0.0.1',
      port: 0,
      checks: { db: () => Promise.reject(new Error('down')) },
    });
    expect(await get('/live')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('is ready only when every dependency answers', async () => {
    server = await startProbeServer({
      host: '127.0.0.1',
      port: 0,
      checks: { postgres: async () => 'ok', kafka: () => Promise.reject(new Error('ECONNREFUSED')) },
    });
    expect(await get('/ready')).toEqual({
      status: 503,
      body: { status: { postgres: 'ok', kafka: 'ECONNREFUSED' } },
    });
  });

  it('treats a check that hangs as not ready, within the timeout', async () => {
    server = await startProbeServer({
      host: '127.0.0.1',
      port: 0,
      checkTimeoutMs: 50,
      checks: { mongo: () => new Promise(() => {}) },
    });
    expect(await get('/ready')).toEqual({
      status: 503,
      body: { status: { mongo: 'timed out after 50 ms' } },
    });
  });

  it('reports not ready once shutdown has begun, while staying live', async () => {
    server = await startProbeServer({ host: '127.0.0.1', port: 0, checks: { redis: async () => 'ok' } });
    expect((await get('/ready')).status).toBe(200);
    server.markShuttingDown();
    expect((await get('/ready')).status).toBe(503);
    expect((await get('/live')).status).toBe(200);
  });
});
