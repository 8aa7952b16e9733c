import type { KafkaMessage } from 'kafkajs';
import type { Producer } from './renewing-producer.js';

/**
 * Where the runner puts a message that cannot be processed: next to its topic, whatever it carries
 * (a transport convention, not a product one). The services, tools and system tests name the
 * topic through this function, so what they read is where the runner writes.
 */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

/** Headers added to a dead-lettered message; the original headers, key and value are kept. */
export const deadLetterHeaders = {
  error: 'dlq-error',
  errorCode: 'dlq-error-code',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  readonly error: unknown;
  readonly attempts: number;
}

/** Publishes the message unchanged to `<topic>.dlq`, with why and where it failed in headers. */
export async function sendToDeadLetter(producer: Producer, dead: DeadLetter): Promise<void> {
  const error = dead.error as { message?: unknown; code?: unknown } | null;
  await producer.send({
    topic: deadLetterTopic(dead.topic),
    acks: -1,
    messages: [
      {
        key: dead.message.key,
        value: dead.message.value,
        headers: {
          ...dead.message.headers,
          [deadLetterHeaders.error]: String(error?.message ?? dead.error).slice(0, 2_000),
          [deadLetterHeaders.errorCode]: typeof error?.code === 'string' ? error.code : 'UNKNOWN',
          [deadLetterHeaders.originalTopic]: dead.topic,
          [deadLetterHeaders.originalPartition]: String(dead.partition),
          [deadLetterHeaders.originalOffset]: dead.message.offset,
          [deadLetterHeaders.attempts]: String(dead.attempts),
          [deadLetterHeaders.failedAt]: new Date().toISOString(),
        },
      },
    ],
  });
}
