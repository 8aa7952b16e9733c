import { createLogger } from '@cqrs-products/logger';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGrpcError, type ReaderClient } from '../src/grpc/reader.client.js';
import { buildApp } from '../src/http/app.js';
import { defaultBodyLimitBytes } from '../src/http/body-limit.js';
import { type ProblemExample, problemExamples } from '../src/http/problem.examples.js';
import { BatcherRefusedError } from '../src/kafka/command-batcher.js';
import type { ProductCommands } from '../src/kafka/product-commands.producer.js';

const exampleId = '1f0e4b8a-6a5b-4c3d-9e2f-7a6b5c4d3e2f';

/**
 * The error examples of the OpenAPI document (problem.examples.ts) are real answers: each one is
 * provoked here and compared, headers included. What the fake dependencies do for the request at hand:
 */
let readerFails: () => Error = () => new Error('no reader call expected');
let commandFails: () => Error = () => new Error('broker down');
const grpcError = (code: status, details: string): ServiceError =>
  Object.assign(new Error(details), { code, details, metadata: new Metadata() });

let app: FastifyInstance;
beforeAll(async () => {
  const refuse = async () => {
    throw commandFails();
  };
  // The default body limit, the one the examples document.
  app = await buildApp({
    log: createLogger({ service: 'problem-examples-test', level: 'silent' }),
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

describe('the documented error examples', () => {
  const json = { 'content-type': 'application/json' };
  /** How to make the gateway give each documented answer. */
  const provocations: Record<
    keyof typeof problemExamples,
    { request: InjectOptions; reader?: () => Error; commands?: () => Error }
  > = {
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
      reader: () => fromGrpcError(grpcError(status.NOT_FOUND, `Product not found: ${exampleId}`), exampleId),
    },
    methodNotAllowed: { request: { method: 'PATCH', url: `/api/v1/products/${exampleId}`, payload: {} } },
    collectionMethodNotAllowed: { request: { method: 'GET', url: '/api/v1/products' } },
    tooLarge: {
      request: {
        method: 'POST',
        url: '/api/v1/products',
        headers: json,
        payload: 'x'.repeat(defaultBodyLimitBytes + 1),
      },
    },
    notJson: {
      request: {
        method: 'POST',
        url: '/api/v1/products',
        headers: { 'content-type': 'text/plain' },
        payload: '{"name":"Desk lamp","description":"A lamp","price":1}',
      },
    },
    commandNotAccepted: {
      request: {
        method: 'POST',
        url: '/api/v1/products',
        payload: { name: 'Desk lamp', description: 'A lamp', price: 1 },
      },
    },
    commandQueueFull: {
      request: {
        method: 'POST',
        url: '/api/v1/products',
        payload: { name: 'Desk lamp', description: 'A lamp', price: 1 },
      },
      commands: () => new BatcherRefusedError('queue_full'),
    },
    versionNotYetVisible: {
      request: { method: 'GET', url: `/api/v1/products/${exampleId}?minVersion=2` },
      // What the reader answers when its wait for the version ran out (its catalogue code as trailer).
      reader: () => {
        const error = grpcError(status.UNAVAILABLE, 'The requested version is not visible yet, try again');
        error.metadata.set('error-code', 'VERSION_NOT_YET_VISIBLE');
        return fromGrpcError(error, exampleId);
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
      commandFails = provocation.commands ?? (() => new Error('broker down'));
      const example: ProblemExample = problemExamples[name];

      const response = await app.inject(provocation.request);

      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect({ status: response.statusCode, body: response.json() }).toEqual({
        status: example.value.status,
        body: example.value,
      });
      for (const header of example.headers ?? []) {
        expect(response.headers[header.toLowerCase()], header).toEqual(expect.any(String));
      }
    },
  );
});
