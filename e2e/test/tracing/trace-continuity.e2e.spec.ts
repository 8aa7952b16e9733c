import { randomBytes } from 'node:crypto';
import { eventually, type Stack, startStack, uniqueName } from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './support/otlp-receiver.js';

let receiver: OtlpReceiver;
let stack: Stack;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // The services inherit this process's environment: export everything, quickly, as JSON.
  Object.assign(process.env, {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  stack = await startStack(undefined, 'info');
});
afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

/** A caller's own span, sent as traceparent, so the test knows which trace to collect. */
const callerContext = () => {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
};

const byService = (spans: readonly ReceivedSpan[], service: string) =>
  spans.filter((s) => s.service === service);
const isDb = (system: string) => (span: ReceivedSpan) =>
  span.attributes['db.system.name'] === system || span.attributes['db.system'] === system;

/** The chain of ancestors of a span inside its trace, nearest first. */
const ancestors = (spans: readonly ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] => {
  const chain: ReceivedSpan[] = [];
  let parent = spans.find((s) => s.spanId === span.parentSpanId);
  while (parent) {
    chain.push(parent);
    const next = parent.parentSpanId;
    parent = spans.find((s) => s.spanId === next);
  }
  return chain;
};
const descendsFrom = (spans: readonly ReceivedSpan[], span: ReceivedSpan, ancestor: ReceivedSpan) =>
  ancestors(spans, span).includes(ancestor);

/** Every span's parent is in the trace, except the one continuing the caller's span. */
const expectWellFormed = (spans: readonly ReceivedSpan[], callerSpanId: string) => {
  const ids = new Set(spans.map((s) => s.spanId));
  const orphans = spans.filter((s) => s.parentSpanId !== callerSpanId && !ids.has(s.parentSpanId ?? ''));
  expect(orphans.map((s) => `${s.service}: ${s.name}`)).toEqual([]);
};

const one = (spans: readonly ReceivedSpan[], what: string, match: (s: ReceivedSpan) => boolean) => {
  const found = spans.filter(match);
  expect(found, `${what} in ${spans.map((s) => `${s.service}: ${s.name}`).join(', ')}`).toHaveLength(1);
  return found[0] as ReceivedSpan;
};

/** A product of its own for a test, created untraced by the caller and readable through the gateway. */
async function visibleProduct(): Promise<string> {
  const response = await fetch(`${stack.apiUrl}/products`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: `Read ${uniqueName('lamp')}`, description: 'Read back', price: 3 }),
  });
  expect(response.status).toBe(201);
  const { productId } = (await response.json()) as { productId: string };
  await eventually(
    () => fetch(`${stack.apiUrl}/products/${productId}`).then((r) => r.status),
    (status) => status === 200,
    { what: 'the product to be visible' },
  );
  return productId;
}

describe('one trace from the HTTP request to the read model', () => {
  it('a create is a single trace: gateway HTTP, Kafka both hops, the PostgreSQL transaction, the relay, MongoDB and Redis', async () => {
    const caller = callerContext();
    const response = await fetch(`${stack.apiUrl}/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: caller.traceparent },
      body: JSON.stringify({ name: `Traced ${uniqueName('lamp')}`, description: 'One trace', price: 12 }),
    });
    expect(response.status).toBe(201);

    const topics = {
      command: `${stack.topicPrefix}product_create`,
      event: `${stack.topicPrefix}product_created`,
    };
    const spans = await eventually(
      () => receiver.spans(caller.traceId),
      (s) =>
        byService(s, 'reader-service').some(isDb('mongodb')) &&
        byService(s, 'reader-service').some(isDb('redis')),
      { what: 'the reader spans of the create trace', timeoutMs: 30_000, intervalMs: 200 },
    );

    const gateway = byService(spans, 'api-gateway');
    const writer = byService(spans, 'writer-service');
    const reader = byService(spans, 'reader-service');

    const httpServer = one(gateway, 'gateway HTTP server span', (s) => s.kind === 'server');
    expect(httpServer.parentSpanId).toBe(caller.spanId);
    expect(httpServer.attributes['http.request.method']).toBe('POST');
    expect(httpServer.attributes['http.route']).toBe('/api/v1/products');
    expect(httpServer.attributes['http.response.status_code']).toBe(201);

    // Fastify's own spans name the route's plugin, not an anonymous function's source.
    expect(gateway.map((s) => s.name)).toContain('handler - productApi');

    const commandSend = one(gateway, 'command produce span', (s) => s.kind === 'producer');
    expect(commandSend.name).toBe(`send ${topics.command}`);
    expect(commandSend.attributes['messaging.system']).toBe('kafka');
    expect(descendsFrom(spans, commandSend, httpServer)).toBe(true);

    const commandProcess = one(writer, 'command consume span', (s) => s.kind === 'consumer');
    expect(commandProcess.name).toBe(`process ${topics.command}`);
    expect(commandProcess.parentSpanId).toBe(commandSend.spanId);

    const sql = writer.filter(isDb('postgresql'));
    expect(sql.length).toBeGreaterThan(0);
    for (const query of sql) expect(descendsFrom(spans, query, commandProcess)).toBe(true);
    expect(sql.some((s) => String(s.attributes['db.query.text']).includes('INSERT INTO outbox'))).toBe(true);

    // The relay sends later, from its own loop, but continues the command's trace from the
    // context stored in the outbox row.
    const eventSend = one(writer, 'relay produce span', (s) => s.kind === 'producer');
    expect(eventSend.name).toBe(`send ${topics.event}`);
    expect(eventSend.parentSpanId).toBe(commandProcess.spanId);

    const eventProcess = one(reader, 'event consume span', (s) => s.kind === 'consumer');
    expect(eventProcess.name).toBe(`process ${topics.event}`);
    expect(eventProcess.parentSpanId).toBe(eventSend.spanId);
    for (const storage of [...reader.filter(isDb('mongodb')), ...reader.filter(isDb('redis'))])
      expect(descendsFrom(spans, storage, eventProcess)).toBe(true);

    expectWellFormed(spans, caller.spanId);
    // Logs written while handling the request carry the same trace id.
    expect(stack.services['api-gateway'].output()).toContain(`"trace_id":"${caller.traceId}"`);
  });

  it('a GET by id is a single trace through gRPC to the reader and its cache', async () => {
    const productId = await visibleProduct();
    const caller = callerContext();
    const response = await fetch(`${stack.apiUrl}/products/${productId}`, {
      headers: { traceparent: caller.traceparent },
    });
    expect(response.status).toBe(200);

    const spans = await eventually(
      () => receiver.spans(caller.traceId),
      (s) => byService(s, 'reader-service').some(isDb('redis')) && byService(s, 'api-gateway').length >= 2,
      { what: 'the spans of the GET trace', intervalMs: 200 },
    );
    const gateway = byService(spans, 'api-gateway');
    const reader = byService(spans, 'reader-service');

    const httpServer = one(gateway, 'gateway HTTP server span', (s) => s.kind === 'server');
    expect(httpServer.parentSpanId).toBe(caller.spanId);
    expect(httpServer.attributes['http.route']).toBe('/api/v1/products/:id');
    // Named by the HTTP conventions, "{method} {route}" (request-span.ts), not "request".
    expect(httpServer.name).toBe('GET /api/v1/products/:id');
    expect(httpServer.attributes['http.response.status_code']).toBe(200);

    const grpcClient = one(gateway, 'gRPC client span', (s) => s.kind === 'client');
    expect(grpcClient.attributes['rpc.system']).toBe('grpc');
    // GETs by id go to the reader in batches (api-gateway/src/grpc/batch-lookups.ts).
    expect(grpcClient.name).toMatch(/GetProductsByIds$/);
    expect(descendsFrom(spans, grpcClient, httpServer)).toBe(true);

    const grpcServer = one(reader, 'gRPC server span', (s) => s.kind === 'server');
    expect(grpcServer.parentSpanId).toBe(grpcClient.spanId);
    const cacheRead = reader.filter(isDb('redis'));
    expect(cacheRead.length).toBeGreaterThan(0);
    for (const span of cacheRead) expect(descendsFrom(spans, span, grpcServer)).toBe(true);

    expectWellFormed(spans, caller.spanId);
  });

  it('a request its caller did not sample leaves no span anywhere (the default sampler is parent-based)', async () => {
    const productId = await visibleProduct();
    const unsampled = callerContext();
    const response = await fetch(`${stack.apiUrl}/products/${productId}`, {
      headers: { traceparent: unsampled.traceparent.replace(/-01$/, '-00') },
    });
    expect(response.status).toBe(200);
    // A sampled request after it, as the trailing marker: each service exports its spans in the
    // order they end, so once the marker's reader spans are in, the unsampled ones would be too.
    const marker = callerContext();
    await fetch(`${stack.apiUrl}/products/${productId}`, { headers: { traceparent: marker.traceparent } });
    await eventually(
      () => receiver.spans(marker.traceId),
      (s) => byService(s, 'reader-service').some(isDb('redis')) && byService(s, 'api-gateway').length >= 2,
      { what: 'the spans of the marker request', intervalMs: 200 },
    );
    expect(receiver.spans(unsampled.traceId)).toEqual([]);
  });

  it('a search is a single trace that reaches the search store (PostgreSQL) through gRPC', async () => {
    const caller = callerContext();
    const response = await fetch(`${stack.apiUrl}/products/search?search=Traced&page=1&size=10`, {
      headers: { traceparent: caller.traceparent },
    });
    expect(response.status).toBe(200);

    const spans = await eventually(
      () => receiver.spans(caller.traceId),
      (s) => byService(s, 'reader-service').some(isDb('postgresql')),
      { what: 'the PostgreSQL span of the search trace', intervalMs: 200 },
    );
    const grpcServer = one(
      byService(spans, 'reader-service'),
      'gRPC server span',
      (s) => s.kind === 'server',
    );
    for (const span of byService(spans, 'reader-service').filter(isDb('postgresql')))
      expect(descendsFrom(spans, span, grpcServer)).toBe(true);
    expectWellFormed(spans, caller.spanId);
  });
});
