import { createLogger } from '@cqrs-products/logger';
import { freePort, testEndpoints, uniqueName } from '@cqrs-products/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReaderClient, type ReaderClient } from '../src/grpc/reader.client.js';
import { buildApp } from '../src/http/app.js';
import type { ProductCommands } from '../src/kafka/product-commands.producer.js';
import { readerEvents } from './support/reader-events.js';
import { type ReaderProcess, startReaderProcess } from './support/reader-process.js';

// The real reader-service as a process; the read model is seeded with events on its topics, so
// these tests exercise gateway -> gRPC -> reader -> MongoDB/Redis for real.
const log = createLogger({ service: 'queries-test', level: 'silent' });
const id = uniqueName('gwq');
const lampId = '0d9f8e7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f';
let reader: ReaderProcess;
let readerClient: ReaderClient;
let app: FastifyInstance;

async function appWith(client: ReaderClient): Promise<FastifyInstance> {
  return buildApp({ log, bodyLimitBytes: 16_384, commands: {} as ProductCommands, reader: client });
}

beforeAll(async () => {
  reader = await startReaderProcess(id);
  const events = await readerEvents(testEndpoints().kafkaBrokers, `${id}_`, reader.grpcAddr);
  for (const [ProductID, Name] of [
    [lampId, 'Brass lamp'],
    ['1e0a9b8c-7d6e-4f5a-9b3c-2d1e0f9a8b7c', 'Lamp shade (large)'],
    ['2f1b0c9d-8e7f-4a6b-8c4d-3e2f1a0b9c8d', 'Chair'],
  ] as const) {
    await events.apply({ ProductID, Name, Description: 'For the study', Price: 20, Version: 1 });
  }
  await events.close();
  readerClient = createReaderClient({ addr: reader.grpcAddr, deadlineMs: 3_000 });
  app = await appWith(readerClient);
});
afterAll(async () => {
  await app?.close();
  readerClient?.close();
  await reader?.stop();
});

describe('GET /api/v1/products/:id', () => {
  it('answers 200 with the product, its version and ISO timestamps', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/v1/products/${lampId}` });

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ productId: lampId, name: 'Brass lamp', price: 20, version: 1 });
    expect(body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('answers 404 problem+json for an unknown id', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/products/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      type: 'urn:cqrs-products:problem:product-not-found',
      status: 404,
    });
  });

  it('answers 400 for an id that is not a UUID, without calling the reader', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/products/abc' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ pointer: '/params/id', detail: 'must be a UUID' }]);
  });
});

describe('GET /api/v1/products/search', () => {
  it('pages through case-insensitive matches', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/products/search?search=LAMP&page=1&size=1',
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ totalCount: 2, totalPages: 2, page: 1, size: 1, hasMore: true });
    expect(response.json().products).toHaveLength(1);
  });

  it('treats regular-expression characters as text', async () => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/products/search?search=${encodeURIComponent('(large)')}`,
    });
    expect(response.json().products.map((p: { name: string }) => p.name)).toEqual(['Lamp shade (large)']);
    const nothing = await app.inject({
      method: 'GET',
      url: `/api/v1/products/search?search=${encodeURIComponent('.*')}`,
    });
    expect(nothing.json().totalCount).toBe(0);
  });

  it('answers 400 for paging outside the bounds', async () => {
    for (const query of ['page=0', 'size=0', 'size=101', 'page=two', 'unknown=1']) {
      const response = await app.inject({ method: 'GET', url: `/api/v1/products/search?${query}` });
      expect(response.statusCode, query).toBe(400);
    }
  });
});

describe('when the reader cannot answer', () => {
  it('answers 503 problem+json quickly instead of hanging', async () => {
    const deadClient = createReaderClient({ addr: `127.0.0.1:${await freePort()}`, deadlineMs: 500 });
    const deadApp = await appWith(deadClient);
    try {
      const started = Date.now();
      const response = await deadApp.inject({ method: 'GET', url: `/api/v1/products/${lampId}` });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({ type: 'urn:cqrs-products:problem:read-model-unavailable' });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await deadApp.close();
      deadClient.close();
    }
  });
});
