import type { Producer } from '@cqrs-products/kafka';
import { KafkaJSConnectionError, KafkaJSNonRetriableError } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatcherRefusedError } from '../src/kafka/command-batcher.js';
import { createCommandPublisher } from '../src/kafka/command-publisher.js';

// What kafkajs's producer rejects a send with when the broker is gone (its types omit `cause`).
const NonRetriable = KafkaJSNonRetriableError as unknown as new (
  e: Error,
  options: { cause: Error },
) => Error;
const brokerGone = () => {
  const cause = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
  return new NonRetriable(cause, { cause });
};

/** A producer whose sends the test answers one at a time, in order. */
function scriptedProducer() {
  const sends: string[][] = [];
  const answers: ((outcome: Error | undefined) => void)[] = [];
  const producer = {
    sendBatch: (batch: { topicMessages: { messages: { key: string }[] }[] }) =>
      new Promise<void>((resolve, reject) => {
        sends.push(batch.topicMessages.flatMap((t) => t.messages.map((m) => m.key)));
        answers.push((error) => (error ? reject(error) : resolve()));
      }),
  } as unknown as Producer;
  // On the fake clock: the publisher's pause before a resend passes when the test says, not when
  // a busy machine gets round to it.
  const answer = async (error?: Error) => {
    for (let i = 0; i < 200 && answers.length === 0; i += 1) await vi.advanceTimersByTimeAsync(10);
    const next = answers.shift();
    if (!next) throw new Error('no send to answer within 2 s of the fake clock');
    next(error);
  };
  return { producer, sends, answer };
}

const command = (key: string) => ({
  topic: 'product_delete',
  type: 'ProductDelete' as const,
  key,
  value: { ProductID: key },
});

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('command publisher when Kafka fails', () => {
  it('answers a failure 503 when no broker ever acknowledged a send: nothing can have been written', async () => {
    const { producer, sends, answer } = scriptedProducer();
    const publisher = createCommandPublisher(producer, { lingerMs: 0, maxBatch: 10, maxQueued: 10 });

    const first = publisher.publish(command('a'));
    const failure = brokerGone();
    await answer(failure);
    await expect(first).rejects.toBe(failure);
    expect(sends).toEqual([['a']]);
  });

  it('after an ack, sends a failed batch again until it is acknowledged, refusing others meanwhile', async () => {
    const { producer, sends, answer } = scriptedProducer();
    const publisher = createCommandPublisher(producer, { lingerMs: 0, maxBatch: 10, maxQueued: 10 });

    const first = publisher.publish(command('a'));
    await answer();
    await first;

    // The broker goes away with "b" in flight: it may hold "b", so "b" waits for the answer.
    const inFlight = publisher.publish(command('b'));
    await answer(brokerGone());
    const meanwhile = await publisher.publish(command('c')).catch((error: unknown) => error);
    expect(meanwhile).toBeInstanceOf(BatcherRefusedError);
    expect(meanwhile).toMatchObject({ reason: 'unavailable' });

    await answer(brokerGone());
    await answer();
    await expect(inFlight).resolves.toEqual(expect.any(String));
    expect(sends).toEqual([['a'], ['b'], ['b'], ['b']]);

    const after = publisher.publish(command('d'));
    await answer();
    await expect(after).resolves.toEqual(expect.any(String));
  });
});
