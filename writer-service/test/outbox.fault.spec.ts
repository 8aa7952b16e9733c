import { randomUUID } from 'node:crypto';
import { loadWriterProto } from '@cqrs-products/contracts';
import { startServer, stopServer } from '@cqrs-products/testing';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPending } from '../src/postgres/outbox.repository.js';
import {
  type Collector,
  collect,
  eventVersion,
  settle,
  startTestWriter,
  type TestWriter,
  until,
} from './support/harness.js';

let writer: TestWriter;
let kafkaStopped = false;
const collectors: Collector[] = [];

beforeAll(async () => {
  writer = await startTestWriter();
});
afterAll(async () => {
  // Whatever happened above, the broker must be back for the tests that run after this file.
  if (kafkaStopped) await startServer('kafka');
  for (const collector of collectors) await collector.stop();
  await writer?.stop();
});

const lamp = (productId: string, price = 10) => ({
  ProductID: productId,
  Name: 'Lamp',
  Description: 'A lamp',
  Price: price,
});

function createOverGrpc(productId: string): Promise<unknown> {
  const { proto } = loadWriterProto();
  const client = new proto.writerService.writerService(
    `127.0.0.1:${writer.service.grpcPort}`,
    credentials.createInsecure(),
  );
  return new Promise((resolve, reject) =>
    client.CreateProduct(lamp(productId), (error: ServiceError | null, res?: unknown) =>
      error ? reject(error) : resolve(res),
    ),
  ).finally(() => client.close());
}

const outboxOf = async (productId: string) =>
  (await writer.db.pool.query('SELECT published_at FROM outbox WHERE aggregate_id = $1', [productId])).rows;
const productVersion = async (productId: string) =>
  (await writer.db.pool.query('SELECT version FROM products WHERE product_id = $1', [productId])).rows[0]
    ?.version;

describe('with Kafka stopped after the PostgreSQL commit', () => {
  it('the events are published once Kafka is back: not lost, not duplicated; commands flow again', async () => {
    // The pipeline works before the outage (and the consumer group has joined).
    const before = randomUUID();
    await writer.send('create', lamp(before));
    await until(async () => (await outboxOf(before))[0]?.published_at != null);

    await stopServer('kafka');
    kafkaStopped = true;
    const during = [randomUUID(), randomUUID(), randomUUID()];
    try {
      for (const productId of during) await createOverGrpc(productId);
      for (const productId of during) expect(await productVersion(productId)).toBe('1');

      const ready = await fetch(`http://127.0.0.1:${writer.service.probesPort}/ready`);
      expect(ready.status).toBe(503);
      // The relay keeps trying meanwhile, but marks nothing it could not send.
      await settle(3_000);
      for (const productId of during) expect(await outboxOf(productId)).toEqual([{ published_at: null }]);
    } finally {
      await startServer('kafka');
      kafkaStopped = false;
    }

    await until(async () => (await countPending(writer.db.pool)) === 0, { timeoutMs: 60_000 });

    const events = await collect(writer.kafka, [writer.topics.events.created]);
    collectors.push(events);
    await until(() => during.every((id) => events.messages.some((m) => m.key === id)), { timeoutMs: 30_000 });
    await settle(2_000);
    for (const productId of [before, ...during]) {
      expect(events.messages.filter((m) => m.key === productId).map(eventVersion)).toEqual([1]);
    }

    // A command sent after the outage is still consumed: the consumer recovered by itself.
    await writer.send('update', lamp(during[0] as string, 99));
    await until(async () => (await productVersion(during[0] as string)) === '2', { timeoutMs: 60_000 });
    await until(async () => (await countPending(writer.db.pool)) === 0, { timeoutMs: 30_000 });
  });
});
