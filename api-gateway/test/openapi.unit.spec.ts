import { createLogger } from '@cqrs-products/logger';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReaderClient } from '../src/grpc/reader.client.js';
import { buildApp } from '../src/http/app.js';
import type { ProductCommands } from '../src/kafka/product-commands.producer.js';

const documentUrl = '/swagger/json';

// The document and the routes it lists; the answers of the error examples are in problem-examples.unit.spec.ts.
let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({
    log: createLogger({ service: 'openapi-test', level: 'silent' }),
    commands: {} as ProductCommands,
    reader: {} as ReaderClient,
  });
  await app.ready();
});
afterAll(() => app?.close());

interface Media {
  schema?: { $ref?: string };
  examples?: Record<string, { summary?: string; value: { status: number } }>;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
}
interface OpenApi {
  openapi: string;
  info: { title: string; version: string; license?: { name: string } };
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

const openApi = async (): Promise<OpenApi> => (await app.inject({ method: 'GET', url: documentUrl })).json();
const operations = (doc: OpenApi) =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      name: `${method.toUpperCase()} ${path}`,
      operation,
    })),
  );

describe('OpenAPI document at /swagger/json', () => {
  it("passes Redocly's recommended ruleset without a single error or warning", async () => {
    const source = (await app.inject({ method: 'GET', url: documentUrl })).body;
    const absoluteRef = 'openapi.json';
    const config = await createConfig(
      { extends: ['recommended'] },
      {
        // One exception, for one operation: the health check takes no input at all, so it has no
        // 4XX answer to document, and inventing one would make the document lie.
        ignore: {
          [absoluteRef]: {
            'operation-4xx-response': new Set(['#/paths/~1api~1v1~1products~1health/get/responses']),
          },
        },
      },
    );

    const problems = await lintFromString({ source, absoluteRef, config });

    const described = problems
      .filter((p) => !p.ignored)
      .map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(described).toEqual([]);
  });

  it('lists every product operation, each with an operationId, summary, description and tag', async () => {
    const doc = await openApi();

    expect(doc.openapi).toMatch(/^3\./);
    expect(
      operations(doc)
        .map((o) => o.name)
        .sort(),
    ).toEqual(
      [
        'POST /api/v1/products',
        'PUT /api/v1/products/{id}',
        'DELETE /api/v1/products/{id}',
        'GET /api/v1/products/{id}',
        'GET /api/v1/products/search',
        'GET /api/v1/products/health',
      ].sort(),
    );
    for (const { name, operation } of operations(doc)) {
      expect(operation, name).toMatchObject({
        operationId: expect.stringMatching(/^[a-z][A-Za-z]+$/),
        summary: expect.any(String),
        description: expect.any(String),
        tags: ['products'],
      });
    }
  });

  it('describes where it is served and under which licence, relative so "Try it out" works on any port', async () => {
    const doc = await openApi();

    expect(doc.info).toMatchObject({ title: 'cqrs-products API', license: { name: 'MIT' } });
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('gives every success answer a description, a JSON schema and an example', async () => {
    const doc = await openApi();

    for (const { name, operation } of operations(doc)) {
      const success = Object.entries(operation.responses).filter(([code]) => code.startsWith('2'));
      expect(success, name).toHaveLength(1);
      const [, response] = success[0] as [string, Operation['responses'][string]];
      expect(response.description, name).not.toBe('Default Response');
      const schema = response.content?.['application/json']?.schema as { $ref?: string; example?: unknown };
      const resolved = schema.$ref
        ? (doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] as { example?: unknown })
        : schema;
      expect(resolved?.example, name).toBeDefined();
    }
  });

  it('answers every error as application/problem+json with the shared Problem schema and named examples', async () => {
    const doc = await openApi();

    expect(doc.components.schemas.Problem).toMatchObject({ required: ['type', 'title', 'status', 'detail'] });
    for (const { name, operation } of operations(doc)) {
      const errors = Object.entries(operation.responses).filter(([code]) => !code.startsWith('2'));
      expect(errors.map(([code]) => code)).toContain('500');
      for (const [code, response] of errors) {
        expect(Object.keys(response.content ?? {}), `${name} ${code}`).toEqual(['application/problem+json']);
        const media = response.content?.['application/problem+json'] as Media;
        expect(media.schema, `${name} ${code}`).toEqual({ $ref: '#/components/schemas/Problem' });
        const examples = Object.values(media.examples ?? {});
        expect(examples.length, `${name} ${code}`).toBeGreaterThan(0);
        for (const example of examples) expect(example.value.status, `${name} ${code}`).toBe(Number(code));
      }
    }
  });

  it('documents the errors each kind of route really has: commands 503 when Kafka refuses, queries 404 and 503 when the reader fails', async () => {
    const doc = await openApi();
    const codes = (path: string, method: string) =>
      Object.keys(doc.paths[path]?.[method]?.responses ?? {}).sort();
    const exampleNames = (path: string, method: string, code: string) =>
      Object.keys(
        doc.paths[path]?.[method]?.responses[code]?.content?.['application/problem+json']?.examples ?? {},
      );

    expect(codes('/api/v1/products', 'post')).toEqual(['201', '400', '405', '413', '415', '500', '503']);
    expect(codes('/api/v1/products/{id}', 'put')).toEqual(['200', '400', '405', '413', '415', '500', '503']);
    expect(codes('/api/v1/products/{id}', 'delete')).toEqual(['200', '400', '405', '500', '503']);
    expect(codes('/api/v1/products/{id}', 'get')).toEqual(['200', '400', '404', '405', '500', '503']);
    expect(codes('/api/v1/products/search', 'get')).toEqual(['200', '400', '500', '503']);
    expect(codes('/api/v1/products/health', 'get')).toEqual(['200', '500']);
    for (const [path, method] of [
      ['/api/v1/products', 'post'],
      ['/api/v1/products/{id}', 'put'],
      ['/api/v1/products/{id}', 'delete'],
    ] as const) {
      expect(exampleNames(path, method, '503'), `${method} ${path}`).toEqual([
        'commandNotAccepted',
        'commandQueueFull',
      ]);
    }
    expect(exampleNames('/api/v1/products', 'post', '405')).toEqual(['collectionMethodNotAllowed']);
    expect(exampleNames('/api/v1/products/{id}', 'get', '405')).toEqual(['methodNotAllowed']);
    expect(exampleNames('/api/v1/products/{id}', 'get', '503')).toEqual([
      'versionNotYetVisible',
      'readModelUnavailable',
    ]);
    expect(exampleNames('/api/v1/products/search', 'get', '400')).toEqual(['invalidQuery']);
  });

  it("documents the headers of error answers: Retry-After on the commands' 503, Allow on every 405", async () => {
    const doc = await openApi();
    const headers = (path: string, method: string, code: string) =>
      (doc.paths[path]?.[method]?.responses[code] as { headers?: Record<string, unknown> } | undefined)
        ?.headers ?? {};

    for (const [path, method] of [
      ['/api/v1/products', 'post'],
      ['/api/v1/products/{id}', 'put'],
      ['/api/v1/products/{id}', 'delete'],
    ] as const) {
      expect(headers(path, method, '503'), `${method} ${path}`).toEqual({
        'Retry-After': {
          description: expect.stringContaining('Seconds to wait'),
          schema: expect.objectContaining({ type: 'integer', minimum: 1 }),
        },
      });
      expect(Object.keys(headers(path, method, '405'))).toEqual(['Allow']);
    }
    // Sent with the read-your-writes 503 only: the gateway cannot say when an absent reader is back.
    expect(Object.keys(headers('/api/v1/products/{id}', 'get', '503'))).toEqual(['Retry-After']);
    expect(headers('/api/v1/products/search', 'get', '503')).toEqual({});
    expect(Object.keys(headers('/api/v1/products/{id}', 'get', '405'))).toEqual(['Allow']);
  });

  it('documents read-your-writes: what commands answer, and the GET parameters that wait for it', async () => {
    const doc = (await app.inject({ method: 'GET', url: documentUrl })).json();
    const answer = (method: string, path: string, code: string) =>
      doc.paths[path][method].responses[code].content['application/json'].schema;
    const ref = (schema: { $ref?: string }) =>
      schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop() ?? ''] : schema;

    const created = ref(answer('post', '/api/v1/products', '201'));
    expect(created.properties.version).toMatchObject({ enum: [1] });
    expect(created.example).toEqual({ productId: expect.any(String), version: 1 });
    for (const method of ['put', 'delete']) {
      const accepted = ref(answer(method, '/api/v1/products/{id}', '200'));
      expect(accepted.required).toEqual(['productId', 'consistencyToken']);
      expect(accepted.example.consistencyToken).toEqual(expect.any(String));
    }
    const query = Object.fromEntries(
      doc.paths['/api/v1/products/{id}'].get.parameters
        .filter((p: { in: string }) => p.in === 'query')
        .map((p: { name: string }) => [p.name, p]),
    );
    expect(Object.keys(query).sort()).toEqual(['consistencyToken', 'minVersion']);
    expect(query.minVersion).toMatchObject({ required: false, schema: { type: 'integer', minimum: 1 } });
    expect(query.minVersion.description).toContain('503');
    expect(query.consistencyToken.schema).toMatchObject({ format: 'uuid' });
  });

  it('describes the create body from the same zod schema that validates it, with an example', async () => {
    const doc = (await app.inject({ method: 'GET', url: documentUrl })).json();
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

  it('answer 404, not 405, when the path is unknown whatever the method', async () => {
    const response = await app.inject({ method: 'TRACE', url: '/api/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.headers.allow).toBeUndefined();
  });
});
