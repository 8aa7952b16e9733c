import { randomUUID } from 'node:crypto';
import { loadWriterProto } from '@cqrs-products/contracts';
import { freePort, startServer, stopServer, untilCollectedToEnd } from '@cqrs-products/testing';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPending } from '../src/postgres/outbox.repository.js';
import {
  type Collector,
  collect,
  eventVersion,
  lamp,
  productVersion,
  startTestWriter,
  type TestWriter,
  until,
} from './support/harness.js';

let writer: TestWriter;
let metricsPort: number;
let kafkaStopped = false;
const collectors: Collector[] = [];

beforeAll(async () => {
  metricsPort = await freePort();
  writer = await startTestWriter({ metricsPort });
});
afterAll(async () => {
  // Whatever happened above, the broker must be back for the tests that run after this file.
  if (kafkaStopped) await startServer('kafka');
  for (const collector of collectors) await collector.stop();
  await writer?.stop();
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
/** Rows the relay tried to send to the topic and could not, by the writer's own counter. */
async function failedSends(topic: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return text
    .split('\n')
    .filter(
      (line) =>
        line.startsWith('kafka_producer_messages_total{') &&
        line.includes('outcome="failure"') &&
        line.includes(`topic="${topic}"`),
    )
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

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
      for (const productId of during) expect(await productVersion(writer.db, productId)).toBe('1');

      const ready = await fetch(`http://127.0.0.1:${writer.service.probesPort}/ready`);
      expect(ready.status).toBe(503);
      // The relay keeps trying meanwhile, but marks nothing it could not send. Waited for, not
      // slept: a round's worth of failed sends of the three rows (every round takes all of
      // them), so the rows below were looked at and refused, not merely not reached yet. How
      // the command consumer comes back from a longer outage is command-consumer-outage.fault's.
      const created = writer.topics.events.created;
      const failedBefore = await failedSends(created);
      await until(async () => (await failedSends(created)) >= failedBefore + during.length, {
        what: 'a failed relay round with the three rows',
        timeoutMs: 90_000,
      });
      for (const productId of during) expect(await outboxOf(productId)).toEqual([{ published_at: null }]);
    } finally {
      await startServer('kafka');
      kafkaStopped = false;
    }

    await until(async () => (await countPending(writer.db.pool)) === 0, { timeoutMs: 60_000 });

    const events = await collect(writer.kafka, [writer.topics.events.created]);
    collectors.push(events);
    await until(() => during.every((id) => events.messages.some((m) => m.key === id)), { timeoutMs: 30_000 });
    // Nothing is pending, so every send (a repeat too) was acknowledged: once the collector holds
    // everything the topic holds now, a duplicate would be among what it holds.
    await untilCollectedToEnd(writer.kafka, events.messages, [writer.topics.events.created]);
    for (const productId of [before, ...during]) {
      expect(events.messages.filter((m) => m.key === productId).map(eventVersion)).toEqual([1]);
    }

    // A command sent after the outage is still consumed: the consumer recovered by itself. The
    // bound allows for the worst way back: kafkajs gives up, the supervisor notices the stall
    // (30 s), and its replacement's start is itself bounded (30 s) before one more try.
    await writer.send('update', lamp(during[0] as string, 99));
    await until(async () => (await productVersion(writer.db, during[0] as string)) === '2', {
      timeoutMs: 120_000,
    });
    await until(async () => (await countPending(writer.db.pool)) === 0, { timeoutMs: 30_000 });
  }, 300_000);
});
