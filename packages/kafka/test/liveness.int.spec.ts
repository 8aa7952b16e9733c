import { createRegistry, kafkaMetrics } from '@cqrs-products/metrics';
import { uniqueName, until } from '@cqrs-products/testing';
import type { Consumer, ConsumerConfig } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTopics, type Kafka, startConsumer } from '../src/index.js';
import { fetchGroupLag } from '../src/lag.js';
import { fastRetry, type KafkaFixture, kafkaFixture, silent } from './support/kafka-fixture.js';

let fixture: KafkaFixture;
beforeAll(async () => {
  fixture = await kafkaFixture('kafka-liveness-test');
});
afterAll(() => fixture?.close());

const lagOf = async (registry: ReturnType<typeof createRegistry>) => {
  const metric = await registry.getSingleMetric('kafka_consumer_lag_messages')?.get();
  return (metric?.values ?? []).reduce((sum, { value }) => sum + value, 0);
};

describe('consumer lag', () => {
  it("is the log end minus the group's committed offset, whether or not anyone is a member", async () => {
    const topic = await fixture.freshTopic();
    const groupId = uniqueName('group');
    await fixture.sendAll(
      topic,
      Array.from({ length: 20 }, (_, i) => `m${i}`),
    );
    const admin = fixture.kafka.admin();
    await admin.connect();
    try {
      expect(await fetchGroupLag(admin, groupId, [topic])).toEqual([{ topic, partition: 0, lag: 20 }]);
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '5' }] });
      expect(await fetchGroupLag(admin, groupId, [topic])).toEqual([{ topic, partition: 0, lag: 15 }]);
    } finally {
      await admin.disconnect();
    }
  });

  it('shows the whole backlog while the consumer is still busy with its first batch', async () => {
    const topic = await fixture.freshTopic();
    const registry = createRegistry('lag-test');
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handled: string[] = [];
    await fixture.sendAll(
      topic,
      Array.from({ length: 30 }, (_, i) => `m${i}`),
    );
    await fixture.consume(topic, {
      metrics: kafkaMetrics(registry),
      handleBatch: async (messages) => {
        await gate;
        handled.push(...messages.map(({ message }) => String(message.value)));
        return undefined;
      },
    });

    await until(async () => (await lagOf(registry)) === 30);
    release();
    await until(() => handled.length === 30);
    await until(async () => (await lagOf(registry)) === 0);
  });
});

describe('consumer liveness', () => {
  it('replaces a consumer whose group join failed, and reports it stalled meanwhile', async () => {
    const topic = await fixture.freshTopic();
    const groupId = uniqueName('group');
    // Another client of the same group with an assignment protocol ours does not speak: while it
    // is a member, our join is refused ("supported protocols are incompatible").
    const intruder: Consumer = fixture.kafka.consumer({
      groupId,
      partitionAssigners: [
        () => ({
          name: 'IntruderAssigner',
          version: 1,
          assign: async ({ members }) =>
            members.map(({ memberId }) => ({ memberId, memberAssignment: Buffer.alloc(0) })),
          protocol: () => ({ name: 'IntruderAssigner', metadata: Buffer.alloc(0) }),
        }),
      ],
    });
    await intruder.connect();
    await intruder.subscribe({ topics: [topic] });
    await intruder.run({ eachMessage: async () => {} });

    const handled: string[] = [];
    const stalls: string[] = [];
    const runner = await fixture.consume(topic, {
      groupId,
      stallAfterMs: 2_000,
      handle: async ({ message }) => {
        handled.push(String(message.value));
      },
    });
    await until(
      () => {
        const { stalled } = runner.health();
        if (stalled) stalls.push(stalled);
        return stalls.length > 0;
      },
      { timeoutMs: 20_000 },
    );
    await intruder.disconnect();
    await fixture.send(topic, 'k', 'marker');

    await until(() => handled.includes('marker'), { timeoutMs: 40_000 });
    expect(runner.health().stalled).toBeUndefined();
    expect(runner.health().member).toBe(true);
  }, 90_000);
});

describe('a consumer stopped while kafkajs is still joining its group', () => {
  it('does not keep partitions: its messages reach the live consumer', async () => {
    const topic = uniqueName('test_kafka');
    await ensureTopics(fixture.kafka, [topic], { partitions: 2, replicationFactor: 1 });
    const groupId = uniqueName('group');
    const handled: string[] = [];
    let release = () => {};
    const busy = new Promise<void>((resolve) => {
      release = resolve;
    });
    await fixture.consume(topic, {
      groupId,
      handle: async ({ message }) => {
        if (String(message.value) === 'hold') await busy;
        handled.push(String(message.value));
      },
    });
    // While the live member is busy with a message it cannot rejoin, so a new member's join
    // waits on the broker: the window in which kafkajs's own restart of a crashed consumer is
    // when a stop() comes (it returns at once and forgets the session still joining).
    await fixture.producer.send({ topic, acks: -1, messages: [{ partition: 0, value: 'hold' }] });

    // kafkajs restarts a crashed consumer with a new group session, and a stop() during that
    // session's join returns at once and forgets it; the join then completes behind our back.
    // Starting a consumer whose run() does not wait for its join makes that race certain.
    const racing: Kafka = Object.create(fixture.kafka);
    let joining = () => {};
    const joinSent = new Promise<void>((resolve) => {
      joining = resolve;
    });
    racing.consumer = (config: ConsumerConfig) => {
      // The broker waits this long for a member whose join was cut off by the stop (60 s by default).
      const consumer = fixture.kafka.consumer({ ...config, rebalanceTimeout: 5_000 });
      consumer.on(consumer.events.REQUEST, ({ payload }) => {
        if (payload.apiName === 'FindCoordinator' || payload.apiName === 'GroupCoordinator') joining();
      });
      return {
        ...consumer,
        run: async (runConfig) => {
          void consumer.run(runConfig);
        },
      };
    };
    const stopped = await startConsumer({
      kafka: racing,
      groupId,
      topics: [topic],
      deadLetterProducer: fixture.producer,
      log: silent,
      retry: fastRetry,
      handle: async () => {},
    });
    let strayJoins = 0;
    stopped.consumer.on(stopped.consumer.events.GROUP_JOIN, () => {
      strayJoins++;
    });
    await joinSent;
    await new Promise((r) => setTimeout(r, 500));
    await stopped.stop();
    release();
    await until(() => strayJoins > 0, {
      what: 'the stopped consumer joining its group anyway',
      timeoutMs: 30_000,
    });

    await fixture.producer.send({
      topic,
      acks: -1,
      messages: [
        { partition: 0, value: 'to-0' },
        { partition: 1, value: 'to-1' },
      ],
    });
    await until(() => handled.includes('to-0') && handled.includes('to-1'), {
      what: 'both messages handled by the live consumer',
      timeoutMs: 60_000,
    });
  }, 120_000);
});
