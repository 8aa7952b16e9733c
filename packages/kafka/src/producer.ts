import { context, propagation } from '@opentelemetry/api';
import { type Kafka, Partitioners } from 'kafkajs';
import { createRenewingProducer, type Producer, type RenewalLog } from './renewing-producer.js';
import type { StoredMessage } from './stored-context.js';

/**
 * Idempotent producer: the broker drops duplicates from our own retries, and with one request in
 * flight per connection a retried batch cannot overtake the next one, so per-key order holds.
 * The default (murmur2) partitioner keeps keys on the same partitions as Java clients would.
 * Sends go one at a time, and a failed one is followed by a new producer id (renewing-producer.ts).
 */
export function createProducer(kafka: Kafka, log?: RenewalLog): Producer {
  return createRenewingProducer(
    kafka,
    (client) =>
      client.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
    log,
  );
}

/** A message already encoded by its owner (the product codec lives in @cqrs-products/contracts). */
export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Adds the active W3C trace context to the headers, read now, while this is still the caller's
 * context: a message sent later from a batch (`sendStoredMessages`) continues the caller's trace.
 */
export function prepareMessage(message: OutgoingMessage): StoredMessage {
  const trace: Record<string, string> = {};
  propagation.inject(context.active(), trace);
  return {
    topic: message.topic,
    key: message.key,
    value: message.value,
    headers: { ...message.headers, ...trace },
  };
}

/** Sends one message with acks from all in-sync replicas, in the caller's trace. */
export async function sendMessage(producer: Producer, message: OutgoingMessage): Promise<void> {
  const { topic, key, value, headers } = prepareMessage(message);
  await producer.send({ topic, acks: -1, messages: [{ key, value, headers: { ...headers } }] });
}
