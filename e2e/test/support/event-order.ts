import { decodeMessage, type KafkaMessageName, productTopics } from '@cqrs-products/contracts';
import { collectMessages, untilCollectedToEnd } from '@cqrs-products/testing';
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
  const topics = Object.values(events);
  const nameOf = new Map(
    Object.entries(events).map(([kind, topic]) => [topic, messageNames[kind as 'created']]),
  );
  // Read up to the log ends as they are now: the stream has stopped and the stores converged.
  const collector = await collectMessages(kafka, topics, { groupPrefix: 'event-order' });
  try {
    await untilCollectedToEnd(kafka, collector.messages, topics, { timeoutMs });
  } finally {
    await collector.stop();
  }

  const seen = new Map<string, { highest: number; versions: Set<number> }>();
  let repeated = 0;
  let distinct = 0;
  const outOfOrder: string[] = [];
  // The collector records each partition's messages in offset order.
  for (const { topic, key: product, value } of collector.messages) {
    const version = eventVersion(nameOf.get(topic) as KafkaMessageName, value);
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
  }
  return { events: distinct, repeated, outOfOrder };
}

function eventVersion(name: KafkaMessageName, bytes: Buffer): number {
  const event = decodeMessage(name, bytes) as { Version?: number; Product?: { Version?: number } };
  return Number(event.Product?.Version ?? event.Version);
}
