import { createLogger } from '@cqrs-products/logger';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReaderClient } from '../src/grpc/reader.client.js';
import { buildApp } from '../src/http/app.js';
import type { ProductCommands } from '../src/kafka/product-commands.producer.js';

const id = '1f0e4b8a-6a5b-4c3d-9e2f-7a6b5c4d3e2f';
let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({
    log: createLogger({ service: 'trailing-slash-test', level: 'silent' }),
    commands: {} as ProductCommands,
    reader: {} as ReaderClient,
  });
  await app.ready();
});
afterAll(() => app?.close());

describe('a trailing slash names the same route (app.ts routerOptions)', () => {
  it('answers the route without the slash', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/products/health/' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers 405 with the same Allow as the path without the slash', async () => {
    const [withSlash, without] = await Promise.all(
      [`/api/v1/products/${id}/`, `/api/v1/products/${id}`].map((url) =>
        app.inject({ method: 'PATCH', url }),
      ),
    );

    expect(withSlash?.statusCode).toBe(405);
    expect(withSlash?.headers.allow).toBe('DELETE, GET, HEAD, PUT');
    expect(withSlash?.headers.allow).toBe(without?.headers.allow);
  });

  it('still answers 404 for a path no route has, slash or not', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/nothing/' });

    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ type: 'urn:cqrs-products:problem:route-not-found' });
  });
});
