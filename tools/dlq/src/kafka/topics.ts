import { productTopics } from '@cqrs-products/contracts';
import { deadLetterTopic } from '@cqrs-products/kafka';
import type { Admin } from 'kafkajs';
import type { TopicChoice } from '../args.js';
import { dlqErrors } from '../errors.js';
import type { PartitionOffsets } from '../selection.js';

/** The DLQ topics of every topic the services read, under a prefix. */
export function knownDeadLetterTopics(prefix: string): string[] {
  const { commands, events } = productTopics(prefix);
  return [...Object.values(commands), ...Object.values(events)].map(deadLetterTopic);
}

/** The topics `list` reads, existing ones only, sorted; a named topic that is missing is an error. */
export async function chooseTopics(
  admin: Admin,
  choice: TopicChoice,
  configuredPrefix: string,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  if (choice.kind === 'topic') {
    if (!existing.has(choice.topic)) throw dlqErrors.TOPIC_NOT_FOUND(choice.topic);
    return [choice.topic];
  }
  const prefix = choice.prefix ?? configuredPrefix;
  const candidates =
    choice.kind === 'known'
      ? knownDeadLetterTopics(prefix)
      : [...existing].filter((topic) => topic.startsWith(prefix) && topic.endsWith('.dlq'));
  return candidates.filter((topic) => existing.has(topic)).sort();
}

export async function requireTopic(admin: Admin, topic: string): Promise<void> {
  if (!(await admin.listTopics()).includes(topic)) throw dlqErrors.TOPIC_NOT_FOUND(topic);
}

/** Each partition's first and next offset, as numbers (offsets stay far below 2^53). */
export async function partitionOffsets(admin: Admin, topic: string): Promise<PartitionOffsets[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets
    .map(({ partition, low, high }) => ({ partition, low: Number(low), high: Number(high) }))
    .sort((a, b) => a.partition - b.partition);
}
