import type { Kafka, Producer as KafkaJsProducer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createRenewingProducer } from '../src/renewing-producer.js';

interface FakeProducer {
  readonly id: number;
  readonly sent: string[];
  connected: boolean;
  /** Makes this producer's sends wait until `release` is called, or fail with `fail`. */
  hold(): { release(): void; fail(error: Error): void };
}

function fakeKafka() {
  const producers: FakeProducer[] = [];
  let holding: Promise<void> | undefined;
  let connecting: Promise<void> | undefined;
  /** The next connect waits until `release` is called. */
  const holdNextConnect = () => {
    let release!: () => void;
    connecting = new Promise<void>((resolve) => {
      release = resolve;
    });
    return { release: () => release() };
  };
  const create = (): KafkaJsProducer => {
    const producer: FakeProducer = {
      id: producers.length + 1,
      sent: [],
      connected: false,
      hold() {
        let release!: () => void;
        let fail!: (error: Error) => void;
        holding = new Promise<void>((resolve, reject) => {
          release = resolve;
          fail = reject;
        });
        return { release: () => release(), fail: (error) => fail(error) };
      },
    };
    producers.push(producer);
    const sendOne = async (value: string) => {
      producer.sent.push(value);
      const wait = holding;
      holding = undefined;
      await wait;
      return [];
    };
    return {
      connect: async () => {
        const wait = connecting;
        connecting = undefined;
        await wait;
        producer.connected = true;
      },
      disconnect: async () => {
        producer.connected = false;
      },
      send: ({ messages }: { messages: { value: string }[] }) => sendOne(String(messages[0]?.value)),
      sendBatch: () => sendOne('batch'),
    } as unknown as KafkaJsProducer;
  };
  return { kafka: {} as Kafka, create, producers, holdNextConnect };
}

const record = (value: string) => ({ topic: 't', messages: [{ value }] });

describe('the renewing producer', () => {
  it('sends one call at a time: the next waits until the one before has settled', async () => {
    const { kafka, create, producers } = fakeKafka();
    const producer = createRenewingProducer(kafka, create);
    await producer.connect();
    const first = producers[0];
    const held = first?.hold();

    const sends = [producer.send(record('first')), producer.send(record('second'))];
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(first?.sent).toEqual(['first']);
    held?.release();
    await Promise.all(sends);
    expect(first?.sent).toEqual(['first', 'second']);
  });

  it('after a failed send, sends the next through a new producer and disconnects the old one', async () => {
    const { kafka, create, producers } = fakeKafka();
    const warnings: string[] = [];
    const producer = createRenewingProducer(kafka, create, { warn: (_, msg) => warnings.push(msg) });
    await producer.connect();
    producers[0]?.hold().fail(new Error('no reply'));

    await expect(producer.send(record('lost'))).rejects.toThrow('no reply');
    await producer.send(record('next'));
    await producer.sendBatch({ topicMessages: [] });
    expect(producers.map(({ id, sent, connected }) => ({ id, sent, connected }))).toEqual([
      { id: 1, sent: ['lost'], connected: false },
      { id: 2, sent: ['next', 'batch'], connected: true },
    ]);
    expect(warnings).toHaveLength(1);
  });

  it('disconnects at once, without waiting for a send in flight (which then fails as kafkajs fails it)', async () => {
    const { kafka, create, producers } = fakeKafka();
    const producer = createRenewingProducer(kafka, create);
    await producer.connect();
    const held = producers[0]?.hold();
    const inFlight = producer.send(record('never answered'));

    await producer.disconnect();
    expect(producers[0]?.connected).toBe(false);
    held?.fail(new Error('disconnected'));
    await expect(inFlight).rejects.toThrow('disconnected');
  });

  it('leaves no producer connected when disconnected while a replacement connects', async () => {
    const { kafka, create, producers, holdNextConnect } = fakeKafka();
    const producer = createRenewingProducer(kafka, create);
    await producer.connect();
    producers[0]?.hold().fail(new Error('no reply'));
    await expect(producer.send(record('lost'))).rejects.toThrow('no reply');
    const connect = holdNextConnect();
    const next = producer.send(record('next'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(producers).toHaveLength(2);

    await producer.disconnect();
    connect.release();
    await next.catch(() => {});
    expect(producers.map((p) => p.connected)).toEqual([false, false]);
  });

  it('once disconnected by its owner, does not reconnect to retry', async () => {
    const { kafka, create, producers } = fakeKafka();
    const producer = createRenewingProducer(kafka, create);
    await producer.connect();
    const held = producers[0]?.hold();
    const lost = producer.send(record('in flight'));
    const disconnected = producer.disconnect();
    held?.fail(new Error('disconnected'));
    await expect(lost).rejects.toThrow('disconnected');
    await disconnected;

    await producer.send(record('after'));
    expect(producers).toHaveLength(1);
    expect(producers[0]?.connected).toBe(false);
  });
});
