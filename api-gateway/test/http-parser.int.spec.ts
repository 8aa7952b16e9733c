import { connect } from 'node:net';
import { createLogger } from '@cqrs-products/logger';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReaderClient } from '../src/grpc/reader.client.js';
import { buildApp } from '../src/http/app.js';
import type { ProductCommands } from '../src/kafka/product-commands.producer.js';

/**
 * Methods and framing that Node's HTTP parser decides on before Fastify sees a request: `inject`
 * skips the parser, so these go through a real socket to a listening gateway.
 */

const id = '1f0e4b8a-6a5b-4c3d-9e2f-7a6b5c4d3e2f';
let app: FastifyInstance;
let port: number;
beforeAll(async () => {
  app = await buildApp({
    log: createLogger({ service: 'http-parser-test', level: 'silent' }),
    commands: {} as ProductCommands,
    reader: {} as ReaderClient,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(() => app?.close());

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Writes `head` as is and reads until the server closes: the close is the end of the answer. */
function rawRequest(head: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [statusAndHeaders = '', body = ''] = received.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = statusAndHeaders.split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => {
          const at = line.indexOf(':');
          return [line.slice(0, at).toLowerCase(), line.slice(at + 1).trim()];
        }),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
  });
}

const request = (method: string, path: string, extraHeaders = '') =>
  rawRequest(`${method} ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${extraHeaders}\r\n`);

describe('methods as Node 20 parses them', () => {
  it('QUERY is a method Node knows, so it reaches the router: 405 with Allow on a product', async () => {
    // Without Content-Type Fastify would refuse a QUERY (RFC 10008) before routing; the 405 comes first.
    const response = await request('QUERY', `/api/v1/products/${id}`);

    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('DELETE, GET, HEAD, PUT');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(response.body)).toMatchObject({
      type: 'urn:cqrs-products:problem:method-not-allowed',
      status: 405,
    });
  });

  it('QUERY on an unknown path is 404', async () => {
    const response = await request('QUERY', '/api/v1/nothing-here', 'Content-Type: application/json\r\n');
    expect(response.status).toBe(404);
  });

  it('a method the parser does not know at all never reaches Fastify: 501 problem+json, then the connection closes', async () => {
    const response = await request('BREW', `/api/v1/products/${id}`);

    expect(response.status).toBe(501);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.headers.connection).toBe('close');
    expect(JSON.parse(response.body)).toEqual({
      type: 'urn:cqrs-products:problem:not-implemented',
      title: 'The request method is not one the server knows',
      status: 501,
      detail: 'The request method is not one the server knows',
    });
  });
});

describe('framing the parser refuses', () => {
  it('headers over the size limit -> 431 problem+json', async () => {
    const response = await request('GET', '/api/v1/products/health', `X-Big: ${'a'.repeat(20_000)}\r\n`);

    expect(response.status).toBe(431);
    expect(JSON.parse(response.body)).toMatchObject({ type: 'urn:cqrs-products:problem:headers-too-large' });
  });

  it('a Content-Length that is not a number -> 400 bad-request problem+json', async () => {
    const response = await request('POST', '/api/v1/products', 'Content-Length: many\r\n');

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ type: 'urn:cqrs-products:problem:bad-request' });
  });

  it('the server keeps serving afterwards', async () => {
    const response = await request('GET', '/api/v1/products/health');
    expect(response.status).toBe(200);
  });
});
