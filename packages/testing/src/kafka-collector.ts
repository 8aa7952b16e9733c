import type { IHeaders, Kafka } from 'kafkajs';
import { uniqueName } from './endpoints.js';

/** A message as a test reads it: key and headers as strings, the value as sent. */
export interface CollectedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: Buffer;
}

export interface Collector {
  /** Grows as messages arrive; wait on it with `until`, then assert. */
  readonly messages: CollectedMessage[];
  stop(): Promise<void>;
}

/**
 * A plain kafkajs consumer in a group of its own, from the beginning of the topics, that records
 * every message. Deliberately not the consumer under test, so a bug there cannot hide here.
 */
export async function collectMessages(
  kafka: Kafka,
  topics: readonly string[],
  options: { readonly groupPrefix?: string } = {},
): Promise<Collector> {
  const messages: CollectedMessage[] = [];
  // A short fetch wait: tests wait on what arrives, and an idle poll should not delay it.
  const consumer = kafka.consumer({
    groupId: uniqueName(options.groupPrefix ?? 'collector'),
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        messages.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          headers: stringHeaders(message.headers),
          value: message.value ?? Buffer.alloc(0),
        });
      },
    });
  } catch (error) {
    await consumer.disconnect();
    throw error;
  }
  return { messages, stop: () => consumer.disconnect() };
}

function stringHeaders(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}
