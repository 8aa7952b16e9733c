import { decodeMessage, headerNames, productTopics } from '@cqrs-products/contracts';
import { createKafka, createProducer, ensureTopics, type Producer } from '@cqrs-products/kafka';
import { createLogger } from '@cqrs-products/logger';
import {
  type CollectedMessage,
  type Collector,
  collectMessages,
  testEndpoints,
  uniqueName,
  until,
  untilCollectedToEnd,
} from '@cqrs-products/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReaderClient } from '../src/grpc/reader.client.js';
import { buildApp } from '../src/http/app.js';
import { productCommands } from '../src/kafka/product-commands.producer.js';

const log = createLogger({ service: 'api-gateway-test', level: 'silent' });
const prefix = `${uniqueName('gw')}_`;
const topics = productTopics(prefix);
const kafka = createKafka({ brokers: testEndpoints().kafkaBrokers, clientId: 'gateway-test' }, log);
const unusedReader = {} as ReaderClient;
let producer: Producer;
let collector: Collector;
let app: FastifyInstance;

beforeAll(async () => {
  const commandTopics = Object.values(topics.commands);
  await ensureTopics(kafka, commandTopics, { partitions: 3, replicationFactor: 1 });
  producer = createProducer(kafka);
  await producer.connect();
  collector = await collectMessages(kafka, commandTopics, { groupPrefix: 'gw_test' });
  app = await buildApp({
    log,
    bodyLimitBytes: 16_384,
    commands: productCommands(producer, prefix),
    reader: unusedReader,
  });
});
afterAll(async () => {
  await app?.close();
  await collector?.stop();
  await producer?.disconnect();
});

const valid = { name: 'Desk lamp', description: 'A warm LED desk lamp', price: 49.9 };
const json = (method: 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
  app.inject({
    method,
    url,
    payload: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });

const received = (): readonly CollectedMessage[] => collector.messages;
const keyed = (productId: string) => received().filter((m) => m.key === productId);

/** Waits until `count` commands for the product are on Kafka (failing if they never come). */
async function messagesFor(productId: string, count: number): Promise<CollectedMessage[]> {
  await until(() => keyed(productId).length >= count, { what: `${count} commands for ${productId}` });
  return keyed(productId);
}

describe('command routes publish to Kafka', () => {
  it('POST creates a new id and publishes ProductCreate keyed by it, with a message id and the trace context', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/products',
      payload: valid,
      headers: { traceparent, tracestate: 'vendor=1' },
    });

    expect(response.statusCode).toBe(201);
    const { productId, version } = response.json();
    expect(productId).toMatch(/^[0-9a-f-]{36}$/);
    // What the create will produce, for `GET ...?minVersion=1` (read-your-writes).
    expect(version).toBe(1);
    const [sent] = await messagesFor(productId, 1);
    expect(sent?.topic).toBe(topics.commands.create);
    expect(sent?.headers[headerNames.messageId]).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent?.headers.traceparent).toBe(traceparent);
    expect(sent?.headers.tracestate).toBe('vendor=1');
    expect(decodeMessage('ProductCreate', sent?.value as Buffer)).toEqual({
      ProductID: productId,
      Name: 'Desk lamp',
      Description: 'A warm LED desk lamp',
      Price: 49.9,
    });
  });

  it('PUT publishes ProductUpdate and DELETE publishes ProductDelete, keyed by the id in the path, each answering its message id as consistency token', async () => {
    const id = '3b241101-e2bb-4255-8caf-4136c566a962';
    const updated = (await json('PUT', `/api/v1/products/${id}`, { ...valid, price: 10 })).json();
    expect(updated).toEqual({ productId: id, consistencyToken: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const deleted = await json('DELETE', `/api/v1/products/${id}`);
    expect(deleted.statusCode).toBe(200);

    // Two topics: Kafka orders each partition, not the two topics relative to each other.
    const sent = await messagesFor(id, 2);
    const on = (topic: string) => sent.find((s) => s.topic === topic);
    expect(decodeMessage('ProductUpdate', on(topics.commands.update)?.value as Buffer)).toMatchObject({
      ProductID: id,
      Price: 10,
    });
    expect(decodeMessage('ProductDelete', on(topics.commands.delete)?.value as Buffer)).toEqual({
      ProductID: id,
    });
    const messageId = (topic: string) => on(topic)?.headers[headerNames.messageId];
    expect(messageId(topics.commands.update)).toBe(updated.consistencyToken);
    expect(messageId(topics.commands.delete)).toBe(deleted.json().consistencyToken);
  });
});

describe('bad input is refused with problem+json and publishes nothing', () => {
  const id = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
  const cases: [string, () => ReturnType<typeof json>, number, string | undefined][] = [
    [
      'a missing field',
      () => json('POST', '/api/v1/products', { name: 'x', price: 1 }),
      400,
      '/body/description',
    ],
    ['a wrong type', () => json('POST', '/api/v1/products', { ...valid, price: '12' }), 400, '/body/price'],
    [
      'a name that is too long',
      () => json('POST', '/api/v1/products', { ...valid, name: 'n'.repeat(251) }),
      400,
      '/body/name',
    ],
    [
      'a negative price',
      () => json('PUT', `/api/v1/products/${id}`, { ...valid, price: -1 }),
      400,
      '/body/price',
    ],
    [
      'an unknown field',
      () => json('POST', '/api/v1/products', { ...valid, discount: 5 }),
      400,
      '/body/discount',
    ],
    ['a path id that is not a UUID', () => json('PUT', '/api/v1/products/42', valid), 400, '/params/id'],
    ['a delete of a non-UUID id', () => json('DELETE', '/api/v1/products/not-a-uuid'), 400, '/params/id'],
    [
      'broken JSON',
      () =>
        app.inject({
          method: 'POST',
          url: '/api/v1/products',
          payload: '{"name": "x",',
          headers: { 'content-type': 'application/json' },
        }),
      400,
      undefined,
    ],
    [
      'a body over the size limit',
      () => json('POST', '/api/v1/products', { ...valid, description: 'd'.repeat(20_000) }),
      413,
      undefined,
    ],
  ];

  it.each(cases)('%s', async (_name, request, status, pointer) => {
    const before = received().length;
    const response = await request();

    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({ status, type: expect.stringMatching(/^urn:cqrs-products:problem:/) });
    expect(problem.title).toEqual(expect.any(String));
    if (pointer) expect(problem.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);

    // A valid command sent afterwards is the trailing marker: the gateway publishes in order and
    // answers once Kafka has it, so once everything the topics hold now is collected, a command
    // the bad request had published would be there too. It must be the next and only new message.
    const marker = await json('POST', '/api/v1/products', valid);
    expect(marker.statusCode).toBe(201);
    const markerId = marker.json().productId;
    await untilCollectedToEnd(kafka, collector.messages, Object.values(topics.commands));
    expect(
      received()
        .slice(before)
        .map((m) => m.key),
    ).toEqual([markerId]);
  });
});

describe('when Kafka does not take the command', () => {
  it('answers 503 problem+json', async () => {
    const deadKafka = createKafka(
      { brokers: ['127.0.0.1:1'], clientId: 'dead', retries: 1, connectionTimeoutMs: 500 },
      log,
    );
    const deadProducer = createProducer(deadKafka);
    const deadApp = await buildApp({
      log,
      bodyLimitBytes: 16_384,
      commands: productCommands(deadProducer, prefix),
      reader: unusedReader,
    });
    try {
      const response = await deadApp.inject({ method: 'POST', url: '/api/v1/products', payload: valid });
      expect(response.statusCode).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({
        type: 'urn:cqrs-products:problem:command-not-accepted',
        status: 503,
      });
    } finally {
      await deadApp.close();
    }
  });
});
