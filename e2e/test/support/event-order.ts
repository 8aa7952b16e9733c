import { decodeMessage, type KafkaMessageName, productTopics } from '@cqrs-products/contracts';
import { uniqueName } from '@cqrs-products/testing';
import type { Kafka } from 'kafkajs';

/**
 * What the outbox relays put on the event topics, read back from Kafka: each product's events on
 * a topic (one partition, by key) must appear in version order. A version may appear again only
 * as part of a batch re-sent after a relay died between the send and marking its rows published
 * (consumers drop it by its version); a *new* version below one already seen means two relays
 * overtook each other, which the relay's lock must prevent.
 */
export interface EventOrderCheck {
  /** Distinct (topic, product, version) events on the topics. */
  readonly events: number;
  /** Messages that repeat an event already on the topic. */
  readonly repeated: number;
  /** Readable descriptions of events that came after a later version of their product. */
  readonly outOfOrder: string[];
}

const messageNames: Record<'created' | 'updated' | 'deleted', KafkaMessageName> = {
  created: 'ProductCreated',
  updated: 'ProductUpdated',
  deleted: 'ProductDeleted',
};

export async function checkEventOrder(
  kafka: Kafka,
  topicPrefix: string,
  timeoutMs = 60_000,
): Promise<EventOrderCheck> {
  const { events } = productTopics(topicPrefix);
  const nameOf = new Map(
    Object.entries(events).map(([kind, topic]) => [topic, messageNames[kind as 'created']]),
  );
  const admin = kafka.admin();
  await admin.connect();
  // Read up to the log ends as they are now: the stream has stopped and the stores converged.
  const remaining = new Map<string, number>();
  try {
    for (const topic of Object.values(events))
      for (const { partition, high } of await admin.fetchTopicOffsets(topic))
        if (Number(high) > 0) remaining.set(`${topic}:${partition}`, Number(high));
  } finally {
    await admin.disconnect();
  }

  const seen = new Map<string, { highest: number; versions: Set<number> }>();
  let repeated = 0;
  let distinct = 0;
  const outOfOrder: string[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('event-order'), allowAutoTopicCreation: false });
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: Object.values(events), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const product = message.key?.toString() ?? '';
        const version = eventVersion(nameOf.get(topic) as KafkaMessageName, message.value ?? Buffer.alloc(0));
        const key = `${topic}|${product}`;
        const history = seen.get(key) ?? { highest: 0, versions: new Set<number>() };
        seen.set(key, history);
        if (history.versions.has(version)) repeated++;
        else {
          distinct++;
          if (version < history.highest)
            outOfOrder.push(`${topic} ${product}: v${version} after v${history.highest}`);
          history.versions.add(version);
          history.highest = Math.max(history.highest, version);
        }
        const where = `${topic}:${partition}`;
        if (Number(message.offset) + 1 >= (remaining.get(where) ?? 0)) remaining.delete(where);
        if (remaining.size === 0) finish();
      },
    });
    if (remaining.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`event topics not read within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      await Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
    }
  } finally {
    await consumer.disconnect();
  }
  return { events: distinct, repeated, outOfOrder };
}

function eventVersion(name: KafkaMessageName, bytes: Buffer): number {
  const event = decodeMessage(name, bytes) as { Version?: number; Product?: { Version?: number } };
  return Number(event.Product?.Version ?? event.Version);
}
