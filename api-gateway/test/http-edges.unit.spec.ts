import type { ProductInput } from '@cqrs-products/contracts';
import { createLogger } from '@cqrs-products/logger';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReaderClient } from '../src/grpc/reader.client.js';
import { buildApp } from '../src/http/app.js';
import { defaultBodyLimitBytes, largestProductBodyBytes } from '../src/http/body-limit.js';
import type { ProductCommands } from '../src/kafka/product-commands.producer.js';

const id = '1f0e4b8a-6a5b-4c3d-9e2f-7a6b5c4d3e2f';
const type = (code: string) => `urn:cqrs-products:problem:${code}`;
const json = { 'content-type': 'application/json' };

/** What the fake publisher was given: proves a body got through parsing and validation intact. */
const created: ProductInput[] = [];
let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({
    log: createLogger({ service: 'http-edges-test', level: 'silent' }),
    commands: {
      create: async (_id: string, input: ProductInput) => {
        created.push(input);
      },
    } as unknown as ProductCommands,
    reader: {} as ReaderClient,
  });
  await app.ready();
});
afterAll(() => app?.close());
beforeEach(() => {
  created.length = 0;
});

/** Every UTF-16 unit as `\uXXXX`: what a client escaping all non-ASCII text sends. */
const escapeAll = (text: string) =>
  [...text].map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
const name = 'é'.repeat(250);
const description = 'ж'.repeat(5000);
/** The longest a JSON encoder can make a valid product: keys and values escaped, the longest price. */
const largestBody =
  `{"${escapeAll('name')}":"${escapeAll(name)}",` +
  `"${escapeAll('description')}":"${escapeAll(description)}",` +
  `"${escapeAll('price')}":0.0000012345678901234567}`;
const small = JSON.stringify({ name: 'Desk lamp', description: 'A lamp', price: 1 });
const post = (payload: string, headers: Record<string, string> = json) =>
  app.inject({ method: 'POST', url: '/api/v1/products', headers, payload });

describe('the body limit follows from the product schema', () => {
  it('accepts the largest valid body: 250 + 5000 characters, every one JSON-escaped', async () => {
    expect(Buffer.byteLength(largestBody)).toBe(largestProductBodyBytes);

    const response = await post(largestBody);

    expect(response.statusCode).toBe(201);
    expect(created).toEqual([{ name, description, price: 0.0000012345678901234567 }]);
  });

  it('leaves room for whitespace: a valid body padded to exactly the limit is accepted', async () => {
    const padded = `${small.slice(0, -1)}${' '.repeat(defaultBodyLimitBytes - small.length)}}`;
    expect(Buffer.byteLength(padded)).toBe(defaultBodyLimitBytes);
    expect(defaultBodyLimitBytes).toBeGreaterThan(largestProductBodyBytes);

    expect((await post(padded)).statusCode).toBe(201);
  });

  it('refuses one byte over the limit with 413 and our problem type, naming the limit', async () => {
    const padded = `${small.slice(0, -1)}${' '.repeat(defaultBodyLimitBytes + 1 - small.length)}}`;

    const response = await post(padded);

    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      type: type('body-too-large'),
      status: 413,
      detail: expect.stringContaining(`at most ${defaultBodyLimitBytes} bytes`),
    });
    expect(created).toEqual([]);
  });
});

describe('a method the path does not have', () => {
  it.each(['TRACE', 'PATCH', 'OPTIONS'] as const)(
    '%s on a product answers 405 with the methods the path has',
    async (method) => {
      const response = await app.inject({ method, url: `/api/v1/products/${id}` });

      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe('DELETE, GET, HEAD, PUT');
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ type: type('method-not-allowed'), status: 405 });
    },
  );

  it('GET on the collection answers 405 Allow: POST', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/products' });
    expect({ status: response.statusCode, allow: response.headers.allow }).toEqual({
      status: 405,
      allow: 'POST',
    });
  });

  it('is answered before the body is read: a broken or oversized body does not turn 405 into 400/413', async () => {
    const broken = await app.inject({
      method: 'PATCH',
      url: `/api/v1/products/${id}`,
      headers: json,
      payload: '{"name":',
    });
    const oversized = await app.inject({
      method: 'PATCH',
      url: `/api/v1/products/${id}`,
      headers: json,
      payload: 'x'.repeat(defaultBodyLimitBytes + 1),
    });
    expect([broken.statusCode, oversized.statusCode]).toEqual([405, 405]);
  });

  it('HEAD is one of the methods wherever GET is (Fastify answers it from the GET route)', async () => {
    const response = await app.inject({ method: 'HEAD', url: '/api/v1/products/health' });
    expect(response.statusCode).toBe(200);
  });

  it('an unknown path answers 404 whatever the method, without Allow', async () => {
    for (const method of ['GET', 'TRACE', 'POST'] as const) {
      const response = await app.inject({ method, url: '/api/v1/nothing-here' });
      expect(response.statusCode, method).toBe(404);
      expect(response.headers.allow, method).toBeUndefined();
      expect(response.json(), method).toMatchObject({ type: type('route-not-found') });
    }
  });
});

describe("Fastify's own refusals carry our problem types", () => {
  it.each([
    ['text/plain', 415, 'unsupported-media-type', 'text/plain', small],
    ['application/xml', 415, 'unsupported-media-type', 'application/xml', '<product/>'],
    ['malformed JSON', 400, 'malformed-json', 'application/json', '{"name":'],
    ['an empty JSON body', 400, 'malformed-json', 'application/json', ''],
  ])('%s -> %i %s', async (_name, status, code, contentType, payload) => {
    const response = await post(payload, { 'content-type': contentType });

    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: type(code), status, instance: '/api/v1/products' });
    expect(created).toEqual([]);
  });

  it('a path that is not valid percent-encoding -> 400 bad-request', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/products/%zz' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: type('bad-request'), status: 400 });
  });

  it('a path segment over the router limit -> 414 uri-too-long', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/v1/products/${'a'.repeat(101)}` });
    expect(response.statusCode).toBe(414);
    expect(response.json()).toMatchObject({ type: type('uri-too-long'), status: 414 });
  });
});
