import { createLogger } from '@cqrs-products/logger';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReaderClient } from '../src/grpc/reader.client.js';
import { buildApp } from '../src/http/app.js';
import type { ProductCommands } from '../src/kafka/product-commands.producer.js';

// The document is generated from the route schemas; no route is called here.
let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({
    log: createLogger({ service: 'openapi-test', level: 'silent' }),
    bodyLimitBytes: 16_384,
    commands: {} as ProductCommands,
    reader: {} as ReaderClient,
  });
  await app.ready();
});
afterAll(() => app?.close());

describe('OpenAPI document at /swagger/json', () => {
  it('documents every product operation with its success and error answers', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/swagger/json' })).json();

    expect(doc.openapi).toMatch(/^3\./);
    const operations = Object.entries(
      doc.paths as Record<string, Record<string, { responses: object }>>,
    ).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(
      [
        'POST /api/v1/products',
        'PUT /api/v1/products/{id}',
        'DELETE /api/v1/products/{id}',
        'GET /api/v1/products/{id}',
        'GET /api/v1/products/search',
        'GET /api/v1/products/health',
      ].sort(),
    );
    expect(Object.keys(doc.paths['/api/v1/products'].post.responses)).toEqual([
      '201',
      '400',
      '413',
      '415',
      '503',
    ]);
    expect(Object.keys(doc.paths['/api/v1/products/{id}'].get.responses)).toEqual([
      '200',
      '400',
      '404',
      '503',
    ]);
  });

  it('describes the create body from the same zod schema that validates it, with an example', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/swagger/json' })).json();
    const body = doc.paths['/api/v1/products'].post.requestBody.content['application/json'].schema;

    expect(body.required).toEqual(['name', 'description', 'price']);
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.name).toMatchObject({ minLength: 1, maxLength: 250 });
    expect(body.properties.price).toMatchObject({ minimum: 0 });
    expect(body.example).toMatchObject({ name: 'Desk lamp' });
  });

  it('serves Swagger UI at /swagger', async () => {
    const response = await app.inject({ method: 'GET', url: '/swagger/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('swagger-ui');
  });
});

describe('unknown routes', () => {
  it('answer 404 problem+json', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: 'urn:cqrs-products:problem:route-not-found', status: 404 });
  });
});
