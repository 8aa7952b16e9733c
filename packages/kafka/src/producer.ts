import { randomUUID } from 'node:crypto';
import {
  encodeMessage,
  headerNames,
  type KafkaMessageName,
  type KafkaMessages,
  protobufContentType,
} from '@cqrs-products/contracts';
import { context, propagation } from '@opentelemetry/api';
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import type { StoredMessage } from './stored-context.js';

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

/** A message ready to send: encoded, with the headers every message we produce carries. */
export interface PreparedMessage extends StoredMessage {
  readonly messageId: string;
}

/**
 * The one place a message becomes bytes and headers: protobuf value, message id, type, content
 * type, and the active W3C trace context (read now, while this is still the caller's context),
 * over any headers given.
 */
export function prepareMessage<N extends KafkaMessageName>(message: OutgoingMessage<N>): PreparedMessage {
  const messageId = message.messageId ?? randomUUID();
  const trace: Record<string, string> = {};
  propagation.inject(context.active(), trace);
  return {
    messageId,
    topic: message.topic,
    key: message.key,
    value: encodeMessage(message.type, message.value),
    headers: {
      ...message.headers,
      ...trace,
      [headerNames.messageId]: messageId,
      [headerNames.messageType]: message.type,
      [headerNames.contentType]: protobufContentType,
    },
  };
}

/** Sends one message with acks from all in-sync replicas. Returns the message id. */
export async function sendMessage<N extends KafkaMessageName>(
  producer: Producer,
  message: OutgoingMessage<N>,
): Promise<string> {
  const { messageId, topic, key, value, headers } = prepareMessage(message);
  await producer.send({ topic, acks: -1, messages: [{ key, value, headers: { ...headers } }] });
  return messageId;
}
