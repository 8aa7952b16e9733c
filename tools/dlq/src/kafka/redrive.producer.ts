import { createProducer } from '@cqrs-products/kafka';
import type { Kafka } from 'kafkajs';
import type { RedriveMessage } from '../dead-letter.js';
import type { RedriveResult } from '../format/redrive.format.js';

/**
 * Sends the messages one at a time, in the order given (DLQ partition, then offset), each acked
 * by all in-sync replicas before the next: a failure stops the redrive at a known message, and
 * what was printed as sent really is in the topic. The services' producer (idempotent, murmur2
 * partitioner) puts each key on the partition the gateway uses for it, so a redriven command
 * queues behind the product's other commands, not beside them.
 */
export async function sendRedrives(
  kafka: Kafka,
  messages: readonly RedriveMessage[],
  /** Called after each ack, so that a redrive that fails half-way can still say what it sent. */
  onSent: (result: RedriveResult) => void,
): Promise<void> {
  if (messages.length === 0) return;
  const producer = createProducer(kafka);
  await producer.connect();
  try {
    for (const message of messages) {
      const [metadata] = await producer.send({
        topic: message.topic,
        acks: -1,
        messages: [{ key: message.key, value: message.value, headers: message.headers }],
      });
      onSent({
        message,
        sentTo: { partition: metadata?.partition ?? -1, offset: metadata?.baseOffset ?? '?' },
      });
    }
  } finally {
    await producer.disconnect();
  }
}
