import { once } from 'node:events';
import { createConnection, createServer, type Server } from 'node:net';
import { createLogger } from '@cqrs-products/logger';
import { eventually, testEndpoints, uniqueName } from '@cqrs-products/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReaderClient, type ReaderClient } from '../src/grpc/reader.client.js';
import { buildApp } from '../src/http/app.js';
import type { ProductCommands } from '../src/kafka/product-commands.producer.js';
import { readerEvents } from './support/reader-events.js';
import { type ReaderProcess, startReaderProcess } from './support/reader-process.js';

// GETs made in the same event-loop turn share one GetProductsByIds call (grpc/batch-lookups.ts),
// against the real reader-service process (MongoDB, Redis). What must hold: each caller gets
// its own correct answer, and a GET made after a change was applied never sees the old version.
const log = createLogger({ service: 'batching-test', level: 'silent' });
const id = uniqueName('gwc');
const productId = '3a2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d';
const otherId = '4b3c2d1e-0f9a-4b8c-9d7e-6f5a4b3c2d1e';
let reader: ReaderProcess;
let readerClient: ReaderClient;
let app: FastifyInstance;
let metricsUrl: string;
let events: Awaited<ReturnType<typeof readerEvents>>;
const lamp = (Version: number) => ({
  ProductID: productId,
  Name: `Lamp v${Version}`,
  Description: 'Coalesced',
  Price: 10,
  Version,
});
let slow: { proxy: Server; client: ReaderClient; app: FastifyInstance };

/**
 * A TCP proxy in front of the reader that holds every answer back for `delayMs` (requests pass at
 * once): calls stay in flight long after the reader read Redis, the window in which joining a
 * call in flight would hand a later GET an answer read before a change was applied.
 */
async function delayingProxy(target: number, delayMs: number): Promise<Server> {
  const proxy = createServer((downstream) => {
    const upstream = createConnection(target, '127.0.0.1');
    downstream.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      setTimeout(() => downstream.write(chunk), delayMs);
    });
    const close = () => {
      downstream.destroy();
      upstream.destroy();
    };
    upstream.on('error', close).on('close', close);
    downstream.on('error', close).on('close', close);
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  return proxy;
}

/** Calls of a method the reader has answered so far (its own RED metric). */
async function readerCalls(method = 'GetProductsByIds'): Promise<number> {
  const text = await fetch(metricsUrl).then((r) => r.text());
  return text
    .split('\n')
    .filter((line) => line.startsWith('rpc_server_duration_seconds_count') && line.includes(`/${method}"`))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

const get = (productIdToGet: string, through = app) =>
  through.inject({ method: 'GET', url: `/api/v1/products/${productIdToGet}` });

beforeAll(async () => {
  reader = await startReaderProcess(id);
  metricsUrl = reader.metricsUrl;
  events = await readerEvents(testEndpoints().kafkaBrokers, `${id}_`, reader.grpcAddr);
  await events.apply(lamp(1));
  await events.apply({ ...lamp(1), ProductID: otherId, Name: 'Chair v1' });
  readerClient = createReaderClient({ addr: reader.grpcAddr, deadlineMs: 3_000 });
  app = await buildApp({
    log,
    bodyLimitBytes: 16_384,
    commands: {} as ProductCommands,
    reader: readerClient,
  });
  const proxy = await delayingProxy(reader.grpcPort, 30);
  const address = proxy.address();
  const slowClient = createReaderClient({
    addr: `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    deadlineMs: 3_000,
  });
  slow = {
    proxy,
    client: slowClient,
    app: await buildApp({ log, bodyLimitBytes: 16_384, commands: {} as ProductCommands, reader: slowClient }),
  };
});
afterAll(async () => {
  await slow?.app.close();
  slow?.client.close();
  slow?.proxy.close();
  await app?.close();
  readerClient?.close();
  await events?.close();
  await reader?.stop();
});

describe('GETs of the same turn share one gRPC call', () => {
  it('twenty concurrent GETs cost the reader one call, and each answers 200 with the product', async () => {
    const before = await readerCalls();
    const responses = await Promise.all(Array.from({ length: 20 }, () => get(productId)));
    expect(await readerCalls()).toBe(before + 1);
    for (const response of responses) {
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ productId, name: 'Lamp v1', version: 1 });
    }
  });

  it('GETs of different products in the same turn share one call and each get their own product', async () => {
    const before = await readerCalls();
    const responses = await Promise.all([get(productId), get(otherId), get(productId), get(otherId)]);
    expect(await readerCalls()).toBe(before + 1);
    expect(responses.map((r) => r.json().productId)).toEqual([productId, otherId, productId, otherId]);
    expect(responses.map((r) => r.json().name)).toEqual(['Lamp v1', 'Chair v1', 'Lamp v1', 'Chair v1']);
  });

  it('concurrent GETs of an unknown id each answer 404 naming that id, beside a found one', async () => {
    const unknown = '5c4d3e2f-1a0b-4c9d-8e7f-6a5b4c3d2e1f';
    const [found, ...responses] = await Promise.all([
      get(productId),
      ...Array.from({ length: 5 }, () => get(unknown)),
    ]);
    expect(found?.statusCode).toBe(200);
    for (const response of responses) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({
        status: 404,
        type: 'urn:cqrs-products:problem:product-not-found',
      });
      expect(response.json().detail).toContain(unknown);
    }
  });
});

describe('batching never answers with a version older than one already applied', () => {
  it('while calls are in flight (answers held back 30 ms), every GET started after an update returned sees it', async () => {
    let stop = false;
    const seen: { startedAt: number; version: number; status: number }[] = [];
    // Twenty callers in a loop, through the slow path: GETs are batched and in flight while
    // each update is applied (directly, not held back).
    const callers = Array.from({ length: 20 }, async () => {
      while (!stop) {
        const startedAt = performance.now();
        const response = await get(productId, slow.app);
        seen.push({ startedAt, version: response.json().version, status: response.statusCode });
      }
    });
    const applied: { version: number; at: number }[] = [];
    const callsBefore = await readerCalls();
    const startedAfter = (at: number) => seen.filter((s) => s.startedAt > at).length;
    try {
      for (let version = 2; version <= 6; version++) {
        await events.apply(lamp(version));
        const at = performance.now();
        applied.push({ version, at });
        // One more GET right away: the callers' call is most likely still in flight now.
        const startedAt = performance.now();
        const response = await get(productId, slow.app);
        seen.push({ startedAt, version: response.json().version, status: response.statusCode });
        // Waits for GETs that started after the update returned (the trailing markers).
        await eventually(
          () => startedAfter(at),
          (n) => n >= 20,
          { what: `GETs after version ${version}`, intervalMs: 5 },
        );
      }
    } finally {
      stop = true;
      await Promise.all(callers);
    }

    expect(seen.every((s) => s.status === 200)).toBe(true);
    // The GETs were really batched, or this would prove nothing about batching.
    expect(await readerCalls()).toBeLessThan(callsBefore + seen.length / 2);
    for (const { version, at } of applied) {
      const stale = seen.filter((s) => s.startedAt > at && s.version < version);
      expect(stale, `GETs started after version ${version} was applied`).toEqual([]);
    }
  });
});
