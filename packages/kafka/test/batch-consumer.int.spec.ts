import { uniqueName, until } from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deadLetterHeaders,
  deadLetterTopic,
  type HandleBatch,
  type MessageVerdict,
  type ReceivedMessage,
} from '../src/index.js';
import { fastRetry, type KafkaFixture, kafkaFixture } from './support/kafka-fixture.js';

let fixture: KafkaFixture;
beforeAll(async () => {
  fixture = await kafkaFixture('kafka-batch-test');
});
afterAll(() => fixture?.close());

const values = (messages: readonly ReceivedMessage[]) => messages.map(({ message }) => String(message.value));
const numbered = (count: number, prefix = 'm') => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
const connectionRefused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('batch consumer', () => {
  it('hands over a fetched batch in offset order, in chunks of at most maxBatchSize, and commits it', async () => {
    const topic = await fixture.freshTopic();
    const batches: string[][] = [];
    const groupId = uniqueName('group');
    const runner = await fixture.consume(topic, {
      groupId,
      maxBatchSize: 4,
      handleBatch: async (messages) => {
        batches.push(values(messages));
        return undefined;
      },
    });
    await fixture.sendAll(topic, numbered(10));

    await until(() => batches.flat().length === 10);
    expect(batches.flat()).toEqual(numbered(10));
    expect(Math.max(...batches.map((batch) => batch.length))).toBe(4);
    expect(batches.length).toBeLessThan(10);

    // A new member of the same group starts after the committed offset: nothing comes twice.
    await runner.stop();
    const again: string[] = [];
    await fixture.consume(topic, {
      groupId,
      handleBatch: async (messages) => {
        again.push(...values(messages));
        return undefined;
      },
    });
    await fixture.send(topic, 'k', 'marker');
    await until(() => again.includes('marker'));
    expect(again).toEqual(['marker']);
  });

  it('dead-letters exactly the messages the handler rejects, and keeps their neighbours', async () => {
    const topic = await fixture.freshTopic();
    const applied: string[] = [];
    await fixture.consume(topic, {
      handleBatch: async (messages) =>
        messages.map(({ message }): MessageVerdict => {
          if (String(message.value) === 'poison')
            return { kind: 'dead-letter', error: Object.assign(new Error('bad'), { code: 'BAD' }) };
          applied.push(String(message.value));
          return { kind: 'done' };
        }),
    });
    const dlq = await fixture.collect(deadLetterTopic(topic));

    await fixture.sendAll(topic, ['a', 'poison', 'b']);

    await until(() => applied.length === 2 && dlq.length === 1);
    expect(applied).toEqual(['a', 'b']);
    expect(String(dlq[0]?.value)).toBe('poison');
    expect(dlq[0]?.headers?.[deadLetterHeaders.errorCode]?.toString()).toBe('BAD');
    expect(dlq[0]?.headers?.[deadLetterHeaders.originalOffset]?.toString()).toBe('1');
  });

  it('retries a failed batch one message at a time: only the culprit is retried and dead-lettered', async () => {
    const topic = await fixture.freshTopic();
    const applied: string[] = [];
    const calls: string[][] = [];
    await fixture.consume(topic, {
      // A handler whose batch fails as a whole when one message breaks it (one transaction).
      handleBatch: async (messages) => {
        calls.push(values(messages));
        if (values(messages).includes('bug')) throw new TypeError('cannot read properties of undefined');
        applied.push(...values(messages));
        return undefined;
      },
    });
    const dlq = await fixture.collect(deadLetterTopic(topic));

    await fixture.sendAll(topic, ['a', 'b', 'bug', 'c', 'd']);
    await fixture.send(topic, 'k', 'marker');

    await until(() => applied.includes('marker'));
    expect(applied).toEqual(['a', 'b', 'c', 'd', 'marker']);
    expect(dlq.map((message) => String(message.value))).toEqual(['bug']);
    const alone = (value: string) => calls.filter((call) => call.length === 1 && call[0] === value).length;
    // The neighbours before the culprit were redone alone once; the culprit got its whole policy
    // (attempts in place, one paused round); the ones after it went on as a batch again.
    expect(alone('a')).toBe(1);
    expect(alone('b')).toBe(1);
    expect(alone('bug')).toBe(fastRetry.attempts * (fastRetry.pauseRounds + 1));
    expect(alone('c') + alone('d')).toBe(0);
  });

  it('waits out a transient failure of a whole batch and then applies it once, without dead letters', async () => {
    const topic = await fixture.freshTopic();
    let failuresLeft = 2;
    const applied: string[] = [];
    await fixture.consume(topic, {
      handleBatch: async (messages) => {
        if (failuresLeft-- > 0) throw connectionRefused();
        applied.push(...values(messages));
        return undefined;
      },
    });
    const dlq = await fixture.collect(deadLetterTopic(topic));

    await fixture.sendAll(topic, numbered(5));
    await until(() => applied.length >= 5);
    await fixture.send(topic, 'k', 'marker');

    await until(() => applied.includes('marker'));
    expect(applied).toEqual([...numbered(5), 'marker']);
    expect(dlq).toEqual([]);
  });

  it('keeps its group membership through a batch that takes longer than the session timeout', async () => {
    const topic = await fixture.freshTopic();
    const sessionTimeoutMs = 6_000; // the broker's minimum
    const handled: string[] = [];
    let slowStarted = false;
    let rejoins = 0;
    const slow: HandleBatch = async (messages) => {
      if (values(messages).includes('slow')) {
        slowStarted = true;
        await new Promise((resolve) => setTimeout(resolve, 2.5 * sessionTimeoutMs));
      }
      handled.push(...values(messages));
      return undefined;
    };
    const runner = await fixture.consume(topic, { sessionTimeoutMs, handleBatch: slow });
    runner.consumer.on(runner.consumer.events.GROUP_JOIN, () => {
      if (slowStarted) rejoins++;
    });

    await fixture.send(topic, 'k', 'slow');
    await fixture.send(topic, 'k', 'marker');

    await until(() => handled.includes('marker'), { timeoutMs: 40_000 });
    // Evicted, the member would have rejoined and been handed "slow" a second time.
    expect(handled).toEqual(['slow', 'marker']);
    expect(rejoins).toBe(0);
  }, 60_000);
});
