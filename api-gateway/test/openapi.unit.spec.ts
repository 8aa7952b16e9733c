import { createLogger } from '@cqrs-products/logger';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGrpcError, type ReaderClient } from '../src/grpc/reader.client.js';
import { buildApp } from '../src/http/app.js';
import { problemExamples } from '../src/http/product.schemas.js';
import type { ProductCommands } from '../src/kafka/product-commands.producer.js';

const exampleId = '1f0e4b8a-6a5b-4c3d-9e2f-7a6b5c4d3e2f';
const documentUrl = '/swagger/json';

/** What the fake dependencies do for the request at hand: the tests provoke each error answer. */
let readerFails: () => Error = () => new Error('no reader call expected');
const grpcError = (code: status, details: string): ServiceError =>
  Object.assign(new Error(details), { code, details, metadata: new Metadata() });

let app: FastifyInstance;
beforeAll(async () => {
  const refuse = async () => {
    throw new Error('broker down');
  };
  app = await buildApp({
    log: createLogger({ service: 'openapi-test', level: 'silent' }),
    bodyLimitBytes: 16_384,
    commands: { create: refuse, update: refuse, delete: refuse } as unknown as ProductCommands,
    reader: {
      getProductById: async () => {
        throw readerFails();
      },
      search: async () => {
        throw readerFails();
      },
    } as unknown as ReaderClient,
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

    expect(codes('/api/v1/products', 'post')).toEqual(['201', '400', '413', '415', '500', '503']);
    expect(codes('/api/v1/products/{id}', 'put')).toEqual(['200', '400', '413', '415', '500', '503']);
    expect(codes('/api/v1/products/{id}', 'delete')).toEqual(['200', '400', '500', '503']);
    expect(codes('/api/v1/products/{id}', 'get')).toEqual(['200', '400', '404', '500', '503']);
    expect(codes('/api/v1/products/search', 'get')).toEqual(['200', '400', '500', '503']);
    expect(codes('/api/v1/products/health', 'get')).toEqual(['200', '500']);
    expect(exampleNames('/api/v1/products', 'post', '503')).toEqual(['commandNotAccepted']);
    expect(exampleNames('/api/v1/products/{id}', 'get', '503')).toEqual(['readModelUnavailable']);
    expect(exampleNames('/api/v1/products/search', 'get', '400')).toEqual(['invalidQuery']);
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

describe('the documented error examples', () => {
  const json = { 'content-type': 'application/json' };
  /** How to make the gateway give each documented answer. */
  const provocations: Record<keyof typeof problemExamples, { request: InjectOptions; reader?: () => Error }> =
    {
      invalidBody: {
        request: {
          method: 'POST',
          url: '/api/v1/products',
          payload: { name: '', description: 'A lamp', price: -1, colour: 'red' },
        },
      },
      brokenJson: {
        request: { method: 'POST', url: '/api/v1/products', headers: json, payload: '{"name":' },
      },
      invalidId: { request: { method: 'GET', url: '/api/v1/products/not-a-uuid' } },
      invalidQuery: { request: { method: 'GET', url: '/api/v1/products/search?size=1000' } },
      notFound: {
        request: { method: 'GET', url: `/api/v1/products/${exampleId}` },
        // What the reader's gRPC server sends for an unknown id (packages/grpc: details = message).
        reader: () =>
          fromGrpcError(grpcError(status.NOT_FOUND, `Product not found: ${exampleId}`), exampleId),
      },
      tooLarge: {
        request: { method: 'POST', url: '/api/v1/products', headers: json, payload: 'x'.repeat(16_385) },
      },
      notJson: {
        request: {
          method: 'POST',
          url: '/api/v1/products',
          headers: { 'content-type': 'application/xml' },
          payload: '<product/>',
        },
      },
      commandNotAccepted: {
        request: {
          method: 'POST',
          url: '/api/v1/products',
          payload: { name: 'Desk lamp', description: 'A lamp', price: 1 },
        },
      },
      readModelUnavailable: {
        request: { method: 'GET', url: `/api/v1/products/${exampleId}` },
        reader: () => fromGrpcError(grpcError(status.UNAVAILABLE, 'No connection established')),
      },
      internal: {
        request: { method: 'GET', url: `/api/v1/products/${exampleId}` },
        reader: () => new TypeError("Cannot read properties of undefined (reading 'Product')"),
      },
    };

  it.each(Object.keys(problemExamples) as (keyof typeof problemExamples)[])(
    '"%s" is what the gateway answers',
    async (name) => {
      const provocation = provocations[name];
      readerFails = provocation.reader ?? (() => new Error(`no reader call expected for ${name}`));

      const response = await app.inject(provocation.request);

      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect({ status: response.statusCode, body: response.json() }).toEqual({
        status: problemExamples[name].value.status,
        body: problemExamples[name].value,
      });
    },
  );
});

describe('unknown routes', () => {
  it('answer 404 problem+json', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: 'urn:cqrs-products:problem:route-not-found', status: 404 });
  });
});
