import { createRequire } from 'node:module';
import { testEndpoints, uniqueName } from '@cqrs-products/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createKafka, createProducer, ensureTopics } from '../src/index.js';
import { silent } from './support/kafka-fixture.js';

const require = createRequire(import.meta.url);
const { prototype: queue } = require('kafkajs/src/network/requestQueue/index.js') as {
  prototype: { checkPendingRequests(): void };
};
const original = queue.checkPendingRequests;
afterAll(() => {
  queue.checkPendingRequests = original;
});

describe('a connected kafkajs client with nothing to send', () => {
  it('does not poll its request queues', async () => {
    const kafka = createKafka(
      { brokers: testEndpoints().kafkaBrokers, clientId: uniqueName('idle') },
      silent,
    );
    const topic = uniqueName('test_idle');
    await ensureTopics(kafka, [topic], { partitions: 1, replicationFactor: 1 });
    const producer = createProducer(kafka);
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [{ value: 'answered' }] });
      let checks = 0;
      queue.checkPendingRequests = function (this: unknown) {
        checks++;
        return original.call(this);
      };
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // kafkajs 2.2.4 as released checks every connection's queue every millisecond (~600 here).
      expect(checks).toBeLessThan(5);
    } finally {
      await producer.disconnect();
    }
  });
});
