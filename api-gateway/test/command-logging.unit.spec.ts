import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReaderClient } from '../src/grpc/reader.client.js';
import { buildApp } from '../src/http/app.js';
import type { ProductCommands } from '../src/kafka/product-commands.producer.js';

const id = '1f0e4b8a-6a5b-4c3d-9e2f-7a6b5c4d3e2f';
const commandId = '6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const body = { name: 'Desk lamp', description: 'A lamp', price: 1 };

const lines: Record<string, unknown>[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp({
    log: pino({ level: 'info' }, capture),
    commands: {
      create: async () => commandId,
      update: async () => commandId,
      delete: async () => commandId,
    } satisfies ProductCommands,
    reader: {} as ReaderClient,
  });
  await app.ready();
});
afterAll(() => app?.close());
beforeEach(() => {
  lines.length = 0;
});

describe('a command writes one log line, the one that ties its request to its Kafka message', () => {
  it.each([
    ['create', 'POST', '/api/v1/products'],
    ['update', 'PUT', `/api/v1/products/${id}`],
    ['delete', 'DELETE', `/api/v1/products/${id}`],
  ] as const)(
    '%s: "command accepted" with the product and command ids, no request lines',
    async (command, method, url) => {
      const response = await app.inject({ method, url, ...(method !== 'DELETE' && { payload: body }) });

      expect(response.statusCode).toBeLessThan(300);
      const productId = (response.json() as { productId: string }).productId;
      expect(lines).toEqual([
        expect.objectContaining({
          msg: 'command accepted',
          command,
          productId,
          commandId,
          reqId: expect.any(String),
        }),
      ]);
    },
  );

  it('a refused body still logs nothing at info: the 400 is counted, not written per request', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/products', payload: { name: 1 } });

    expect(response.statusCode).toBe(400);
    expect(lines).toEqual([]);
  });
});
