import { headerNames } from '@cqrs-products/contracts';
import { deadLetterHeaders, type IHeaders } from '@cqrs-products/kafka';
import { dlqErrors } from './errors.js';

/** One record as read from a topic, bytes untouched (so a redrive can send them back as they were). */
export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

/** A dead letter as `list` shows it; fields are undefined when the header is missing. */
export interface DeadLetterView {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | undefined;
  readonly errorCode: string | undefined;
  readonly error: string | undefined;
  readonly originalTopic: string | undefined;
  readonly originalPartition: string | undefined;
  readonly originalOffset: string | undefined;
  readonly attempts: string | undefined;
  readonly failedAt: string | undefined;
  readonly messageId: string | undefined;
  readonly redrivenFrom: string | undefined;
}

/**
 * The trail a redrive leaves instead of the dlq-* headers. The consumers copy every header into a
 * new dead letter, so if the message fails again its new record says which one it was sent from.
 */
export const redriveHeaders = {
  from: 'dlq-redriven-from',
  at: 'dlq-redriven-at',
  count: 'dlq-redriven-count',
} as const;

export function headerText(headers: IHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** `<dlq topic>/<partition>/<offset>`: how list, redrive and the trail name a record. */
export const recordAddress = (record: Pick<KafkaRecord, 'topic' | 'partition' | 'offset'>): string =>
  `${record.topic}/${record.partition}/${record.offset}`;

export function describeDeadLetter(record: KafkaRecord): DeadLetterView {
  const h = (name: string) => headerText(record.headers, name);
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key?.toString(),
    errorCode: h(deadLetterHeaders.errorCode),
    error: h(deadLetterHeaders.error),
    originalTopic: h(deadLetterHeaders.originalTopic),
    originalPartition: h(deadLetterHeaders.originalPartition),
    originalOffset: h(deadLetterHeaders.originalOffset),
    attempts: h(deadLetterHeaders.attempts),
    failedAt: h(deadLetterHeaders.failedAt),
    messageId: h(headerNames.messageId),
    redrivenFrom: h(redriveHeaders.from),
  };
}

export interface RedriveMessage {
  readonly source: KafkaRecord;
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

const replacedHeaders = new Set<string>([
  ...Object.values(deadLetterHeaders),
  ...Object.values(redriveHeaders),
]);

/**
 * The message a redrive sends: the dead letter's key, value and headers as they were (message-id
 * included, so the writer's processed ids and the reader's version guard still recognise a change
 * already applied), minus the dlq-* headers, plus the trail. Pure.
 */
export function redriveMessage(record: KafkaRecord, now: Date): RedriveMessage {
  const originalTopic = headerText(record.headers, deadLetterHeaders.originalTopic);
  const expected = record.topic.slice(0, -'.dlq'.length);
  // Only back where it came from: a record whose header names another topic (hand-made, or sent
  // to the wrong DLQ) is refused rather than written into a topic nobody asked for.
  if (originalTopic !== expected)
    throw dlqErrors.NOT_REDRIVABLE(
      `${recordAddress(record)} has ${deadLetterHeaders.originalTopic} ${originalTopic ?? '(missing)'}, not ${expected}`,
    );
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(record.headers))
    if (value !== undefined && !replacedHeaders.has(name)) headers[name] = value;
  const previous = Number(headerText(record.headers, redriveHeaders.count) ?? '0');
  headers[redriveHeaders.from] = recordAddress(record);
  headers[redriveHeaders.at] = now.toISOString();
  headers[redriveHeaders.count] = String((Number.isSafeInteger(previous) ? previous : 0) + 1);
  return { source: record, topic: originalTopic, key: record.key, value: record.value, headers };
}
