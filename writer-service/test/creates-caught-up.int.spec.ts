import { createKafka, createProducer, ensureTopics } from '@cqrs-products/kafka';
import { testEndpoints, uniqueName, until } from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchCreatesCaughtUp } from '../src/kafka/creates-caught-up.js';

const silent = { error() {}, warn() {}, info() {}, debug() {} };
const kafka = createKafka({ brokers: testEndpoints().kafkaBrokers, clientId: 'caught-up-test' }, silent);
const producer = createProducer(kafka);
const admin = kafka.admin();
beforeAll(async () => {
  await producer.connect();
  await admin.connect();
});
afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

/**
 * The real client, with the watcher's looks counted: each look ends with a read of the group's
 * offsets. Waiting for looks instead of sleeping: a check that nothing changed is only a check
 * once the watcher has looked again.
 */
function countingLooks(client: typeof kafka) {
  let looks = 0;
  const watched = {
    admin: () => {
      const watcherAdmin = client.admin();
      const fetchOffsets = watcherAdmin.fetchOffsets.bind(watcherAdmin);
      watcherAdmin.fetchOffsets = (async (...args: Parameters<typeof fetchOffsets>) => {
        const offsets = await fetchOffsets(...args);
        looks += 1;
        return offsets;
      }) as typeof fetchOffsets;
      return watcherAdmin;
    },
  } as typeof kafka;
  const untilLooked = async (times: number) => {
    const target = looks + times;
    await until(() => looks >= target, { what: `${times} more looks of the watcher` });
  };
  return { kafka: watched, untilLooked };
}

describe('how far the creates have been consumed (the parking sweeper asks before it dead-letters)', () => {
  it('is unknown while the group is behind, and a time after which everything in Kafka was consumed once it caught up', async () => {
    const topic = uniqueName('test_creates');
    const groupId = uniqueName('group');
    await ensureTopics(kafka, [topic], { partitions: 2, replicationFactor: 1 });
    await producer.send({
      topic,
      acks: -1,
      messages: ['a', 'b', 'c', 'd'].map((key) => ({ key, value: key })),
    });
    const watcher = countingLooks(kafka);
    const watch = watchCreatesCaughtUp({ kafka: watcher.kafka, groupId, topic, log: silent, intervalMs: 50 });
    try {
      // Creates the group has not consumed: a parked update's create may be among them.
      await watcher.untilLooked(3);
      expect(watch.since()).toBeUndefined();

      const beforeCommit = Date.now();
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({
        groupId,
        topic,
        partitions: ends.map(({ partition, high }) => ({ partition, offset: high })),
      });
      await until(() => watch.since() !== undefined);
      const since = watch.since() as Date;
      expect(since.getTime()).toBeGreaterThanOrEqual(beforeCommit - 1_000);

      // More creates arrive and are not consumed: the answer stays where it was, it never runs ahead.
      await producer.send({ topic, acks: -1, messages: [{ key: 'e', value: 'e' }] });
      const acked = Date.now();
      await watcher.untilLooked(2);
      const held = watch.since() as Date;
      expect(held.getTime()).toBeLessThanOrEqual(acked);
      await watcher.untilLooked(3);
      expect(watch.since()).toEqual(held);
    } finally {
      await watch.stop();
    }
  });
});
