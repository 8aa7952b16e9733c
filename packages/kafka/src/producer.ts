import { randomUUID } from 'node:crypto';
import {
  encodeMessage,
  headerNames,
  type KafkaMessageName,
  type KafkaMessages,
  protobufContentType,
} from '@cqrs-products/contracts';
import { type Kafka, Partitioners, type Producer } from 'kafkajs';

/**
 * Idempotent producer: the broker drops duplicates from our own retries, and with one request in
 * flight per connection a retried batch cannot overtake the next one, so per-key order holds.
 * The default (murmur2) partitioner keeps keys on the same partitions as Java clients would.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

export interface OutgoingMessage<N extends KafkaMessageName> {
  readonly topic: string;
  readonly type: N;
  readonly key: string;
  readonly value: KafkaMessages[N][0];
  /** Defaults to a new UUID; consumers use it to recognise redeliveries. */
  readonly messageId?: string;
  /** Extra headers, e.g. W3C traceparent/tracestate. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Encodes the value as protobuf and sends it with acks from all in-sync replicas. Returns the message id. */
export async function sendMessage<N extends KafkaMessageName>(
  producer: Producer,
  message: OutgoingMessage<N>,
): Promise<string> {
  const messageId = message.messageId ?? randomUUID();
  await producer.send({
    topic: message.topic,
    acks: -1,
    messages: [
      {
        key: message.key,
        value: encodeMessage(message.type, message.value),
        headers: {
          ...message.headers,
          [headerNames.messageId]: messageId,
          [headerNames.messageType]: message.type,
          [headerNames.contentType]: protobufContentType,
        },
      },
    ],
  });
  return messageId;
}
