import { randomUUID } from 'node:crypto';
import { encodeMessage, type KafkaMessageName, type KafkaMessages } from './kafka-codec.js';
import { headerNames, protobufContentType } from './topics.js';

/** A product message before encoding: its protobuf message by name, where it goes, its key. */
export interface ProductMessage<N extends KafkaMessageName> {
  readonly topic: string;
  readonly type: N;
  readonly key: string;
  readonly value: KafkaMessages[N][0];
  /** Defaults to a new UUID; consumers use it to recognise redeliveries. */
  readonly messageId?: string;
  /** Extra headers, e.g. W3C traceparent/tracestate or the command id on an event. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Bytes and headers ready for any Kafka producer; the message id is the one in the headers. */
export interface EncodedProductMessage {
  readonly messageId: string;
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The one place a product message becomes bytes and headers: protobuf value, message id, type and
 * content type, over any headers given. The transport (packages/kafka) adds the trace context.
 */
export function encodeProductMessage<N extends KafkaMessageName>(
  message: ProductMessage<N>,
): EncodedProductMessage {
  const messageId = message.messageId ?? randomUUID();
  return {
    messageId,
    topic: message.topic,
    key: message.key,
    value: encodeMessage(message.type, message.value),
    headers: {
      ...message.headers,
      [headerNames.messageId]: messageId,
      [headerNames.messageType]: message.type,
      [headerNames.contentType]: protobufContentType,
    },
  };
}
