import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRegistry,
  dbMetrics,
  httpMetrics,
  type MetricsServer,
  startMetricsServer,
} from '../src/index.js';

const registry = createRegistry('test-service');
const http = httpMetrics(registry);
let server: MetricsServer;
beforeAll(async () => {
  server = await startMetricsServer({ host: '127.0.0.1', port: 0, registry });
});
afterAll(() => server?.close());

describe('metrics endpoint', () => {
  it('serves the registry in the Prometheus text format, with the service label on every series', async () => {
    http.requestDuration.observe({ method: 'GET', route: '/api/v1/products/:id', status_code: '200' }, 0.004);

    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toContain(
      'http_server_request_duration_seconds_bucket{le="0.005",service="test-service",method="GET",route="/api/v1/products/:id",status_code="200"} 1',
    );
    expect(text).toMatch(/^process_cpu_seconds_total\{service="test-service"\} /m);
  });

  it('leaves out the default gauges whose *_total names Prometheus reserves for counters', async () => {
    const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(text).not.toMatch(/^nodejs_active_\w+_total/m);
    expect(text).toMatch(/^nodejs_active_handles\{/m);
  });

  it('answers 404 for any other path', async () => {
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
  });
});

describe('database operation timing', () => {
  it('records the duration of successful and failed operations by system, operation and outcome', async () => {
    const registry = createRegistry('test-service');
    const db = dbMetrics(registry);

    await expect(db.time('redis', 'HGET', async () => 'doc')).resolves.toBe('doc');
    await expect(db.time('mongodb', 'find', () => Promise.reject(new Error('down')))).rejects.toThrow('down');

    const text = await registry.metrics();
    expect(text).toMatch(
      /db_client_operation_duration_seconds_count\{service="test-service",db_system="redis",db_operation="HGET",outcome="success"\} 1/,
    );
    expect(text).toMatch(
      /db_client_operation_duration_seconds_count\{service="test-service",db_system="mongodb",db_operation="find",outcome="error"\} 1/,
    );
  });
});
