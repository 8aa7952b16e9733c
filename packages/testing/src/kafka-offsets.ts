import type { Kafka } from 'kafkajs';
import type { CollectedMessage } from './kafka-collector.js';
import { type PollOptions, until } from './polling.js';

/** The end (next offset) of every non-empty partition of the topics, read now. */
export async function endOffsets(kafka: Kafka, topics: readonly string[]): Promise<Map<string, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = new Map<string, bigint>();
    for (const topic of topics)
      for (const { partition, high } of await offsetsOf(admin, topic))
        if (BigInt(high) > 0n) ends.set(`${topic}:${partition}`, BigInt(high));
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/** Errors a broker answers while a new topic's partitions are still getting their leaders. */
const notReadyYet = new Set([
  'NOT_LEADER_FOR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
]);

/**
 * A topic created a moment ago can answer "This server is not the leader for that
 * topic-partition" for a while (a CI run failed three test files on it): asked again, not failed.
 */
async function offsetsOf(admin: ReturnType<Kafka['admin']>, topic: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      const type = (error as { type?: string }).type ?? '';
      if (!notReadyYet.has(type) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * The trailing marker of a topic is its end offset read after the test sent everything: once a
 * group has committed up to it, every message before it was handled. Unlike a sleep, this is a
 * proof, and it never waits longer than the system takes.
 */
export async function untilGroupCommittedToEnd(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
  options: PollOptions = {},
): Promise<void> {
  const ends = await endOffsets(kafka, topics);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await until(
      async () => {
        const committed = new Map<string, bigint>();
        for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] }))
          for (const { partition, offset } of partitions)
            committed.set(`${topic}:${partition}`, BigInt(offset));
        return [...ends].every(([where, end]) => (committed.get(where) ?? -1n) >= end);
      },
      { what: `group ${groupId} committed to the end of ${topics.join(', ')}`, ...options },
    );
  } finally {
    await admin.disconnect();
  }
}

/** Waits until `messages` holds everything the topics held when this was called. */
export async function untilCollectedToEnd(
  kafka: Kafka,
  messages: readonly CollectedMessage[],
  topics: readonly string[],
  options: PollOptions = {},
): Promise<void> {
  const ends = await endOffsets(kafka, topics);
  await until(
    () => {
      const seen = new Map<string, bigint>();
      for (const { topic, partition, offset } of messages) {
        const where = `${topic}:${partition}`;
        const next = BigInt(offset) + 1n;
        if (next > (seen.get(where) ?? 0n)) seen.set(where, next);
      }
      return [...ends].every(([where, end]) => (seen.get(where) ?? 0n) >= end);
    },
    { what: `every message of ${topics.join(', ')} collected`, ...options },
  );
}
