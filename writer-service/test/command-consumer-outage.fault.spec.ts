import { randomUUID } from 'node:crypto';
import { freePort, startServer, stopServer, until } from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lamp, productVersion, startTestWriter, type TestWriter } from './support/harness.js';

let writer: TestWriter;
let metricsPort: number;
let kafkaStopped = false;

beforeAll(async () => {
  metricsPort = await freePort();
  writer = await startTestWriter({ metricsPort });
});
afterAll(async () => {
  // Whatever happened above, the broker must be back for the tests that run after this file.
  if (kafkaStopped) await startServer('kafka');
  await writer?.stop();
});

const consumerRestarts = async () => {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('kafka_consumer_restarts_total'));
  return Number(line?.split(' ').at(-1) ?? 0);
};
const readiness = async () => (await fetch(`http://127.0.0.1:${writer.service.probesPort}/ready`)).status;

describe('with Kafka stopped for longer than the consumer waits', () => {
  it('the command consumer is replaced meanwhile and consumes again once Kafka is back', async () => {
    const product = randomUUID();
    await writer.send('create', lamp(product));
    await until(async () => (await productVersion(writer.db, product)) === '1');

    const restartsBefore = await consumerRestarts();
    await stopServer('kafka');
    kafkaStopped = true;
    try {
      // Long enough that the supervisor gave up on kafkajs and replaced the consumer at least
      // once: the stop of a consumer kafkajs is restarting is what used to leave a member behind
      // that held the partitions and consumed nothing (packages/kafka stopped-consumer.ts).
      await until(async () => (await consumerRestarts()) > restartsBefore, {
        what: 'the consumer replaced during the outage',
        timeoutMs: 90_000,
      });
      expect(await readiness()).toBe(503);
    } finally {
      await startServer('kafka');
      kafkaStopped = false;
    }

    await writer.send('update', lamp(product, 99));
    // The worst way back: a replacement started just before the broker returned stalls (30 s),
    // and the next one's start is bounded (30 s).
    await until(async () => (await productVersion(writer.db, product)) === '2', {
      what: 'the update after the outage applied',
      timeoutMs: 90_000,
    });
    await until(async () => (await readiness()) === 200, { what: 'ready again', timeoutMs: 30_000 });
  }, 240_000);
});
