import type { Admin, Kafka } from 'kafkajs';
import { deadLetterTopic } from './dead-letter.js';

export interface TopicSettings {
  readonly partitions: number;
  readonly replicationFactor: number;
}

/**
 * Creates the topics that are missing (existing ones are left as they are: changing the partition
 * count of a live topic would move keys between partitions and break per-product ordering).
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: readonly string[],
  settings: TopicSettings,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: settings.partitions,
          replicationFactor: settings.replicationFactor,
        })),
      })
      .catch((error: unknown) => {
        // Right after a broker restart, the metadata requests behind `waitForLeaders` answered
        // UNKNOWN_TOPIC_OR_PARTITION past kafkajs's retries and failed a service's start-up,
        // though the topics were created: waiting for them below decides, with a clear message.
        if (!isUnknownTopicOrPartition(error)) throw error;
      });
    await untilServed(admin, missing);
  } finally {
    await admin.disconnect();
  }
}

/** The topics of one service: those it consumes and those it publishes to. */
export interface ServiceTopics {
  readonly consumes: readonly string[];
  readonly produces: readonly string[];
}

/**
 * A service's start-up: with `create`, makes its topics that are missing, the dead-letter topic of
 * each one it consumes too (its runner writes there); without, checks that a broker answers.
 * Either way start-up fails, not the first message, when the brokers are wrong.
 */
export async function prepareTopics(
  kafka: Kafka,
  { consumes, produces }: ServiceTopics,
  settings: TopicSettings & { readonly create: boolean },
): Promise<void> {
  if (!settings.create) return pingKafka(kafka);
  await ensureTopics(kafka, [...consumes, ...consumes.map(deadLetterTopic), ...produces], settings);
}

/**
 * `waitForLeaders` waits for the controller; a broker may still answer metadata requests for the
 * new topics with UNKNOWN_TOPIC_OR_PARTITION for a moment, which made a consumer or producer
 * started right after creation fail. Wait until every partition is served with a leader.
 */
async function untilServed(admin: Admin, topics: readonly string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const served = await admin.fetchTopicMetadata({ topics: [...topics] }).then(
      ({ topics: found }) =>
        found.length === topics.length && found.every((t) => t.partitions.every((p) => p.leader >= 0)),
      () => false,
    );
    if (served) return;
    if (Date.now() > deadline)
      throw new Error(`topics not served by the broker after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Whether a kafkajs error is, or gave up retrying, "this server does not host this topic-partition". */
export function isUnknownTopicOrPartition(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; ) {
    if ((cause as { type?: unknown }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
    cause = (cause as { originalError?: unknown; cause?: unknown }).originalError ?? cause.cause;
  }
  return false;
}

/** A real request to the cluster, for readiness probes: resolves when a broker answers. */
export async function pingKafka(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}
