import { propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import type { Producer } from './renewing-producer.js';
import { endSpansAfter } from './span-outcome.js';

/** A message prepared earlier, with the W3C trace context of the work that produced it in its headers. */
export interface StoredMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

// Messaging attributes are still "development" in the semantic conventions; OpenTelemetry
// recommends copying such names rather than importing the unstable entry point.
const attributes = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  messageKey: 'messaging.kafka.message.key',
} as const;

const tracer = trace.getTracer('@cqrs-products/kafka');

/**
 * Sends stored messages in one request, each in the trace it came from.
 *
 * A batch's messages come from many requests (an outbox relay sends rows long after their
 * transactions, from a loop of its own): each message gets its own "send" span, a child of the
 * context stored in its headers, and that span goes into the headers the consumer continues.
 * (The kafkajs instrumentation, not installed for this reason among others, parented every
 * message of a batch to whatever span was active and overwrote its traceparent.)
 */
export async function sendStoredMessages(
  producer: Producer,
  messages: readonly StoredMessage[],
): Promise<void> {
  const sends = messages.map((message) => {
    const parent = propagation.extract(ROOT_CONTEXT, message.headers);
    const span = tracer.startSpan(
      `send ${message.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          [attributes.system]: 'kafka',
          [attributes.destination]: message.topic,
          [attributes.operationType]: 'send',
          [attributes.operationName]: 'send',
          [attributes.messageKey]: message.key,
        },
      },
      parent,
    );
    const headers = { ...message.headers };
    propagation.inject(trace.setSpan(parent, span), headers);
    return { span, message: { key: message.key, value: message.value, headers }, topic: message.topic };
  });

  const byTopic = new Map<string, (typeof sends)[number]['message'][]>();
  for (const { topic, message } of sends) {
    const messages = byTopic.get(topic);
    if (messages) messages.push(message);
    else byTopic.set(topic, [message]);
  }

  await endSpansAfter(
    sends.map(({ span }) => span),
    () =>
      producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, topicMessages]) => ({ topic, messages: topicMessages })),
      }),
  );
}
