import { randomUUID } from 'node:crypto';
import {
  assertNever,
  encodeMessage,
  eventKinds,
  headerNames,
  type ProductTopics,
  protobufContentType,
  toTimestamp,
  toWireProduct,
} from '@cqrs-products/contracts';
import type { ProductEvent } from '../domain/product.js';
import type { NewOutboxRow } from '../postgres/outbox.repository.js';

/**
 * The Kafka message for an event, as stored in the outbox: protobuf payload, the topic of its
 * kind, and the headers the relay sends unchanged (a new message id, the command's trace context,
 * and the command's id, which the gateway answered as the client's consistency token and the
 * reader records when it projects the event).
 */
export function toOutboxRow(
  event: ProductEvent,
  topics: ProductTopics['events'],
  traceHeaders: Readonly<Record<string, string>>,
  commandId: string,
): NewOutboxRow {
  const message = encodeEvent(event, topics);
  return {
    ...message,
    headers: {
      ...traceHeaders,
      [headerNames.messageId]: randomUUID(),
      [headerNames.commandId]: commandId,
      [headerNames.messageType]: message.messageType,
      [headerNames.contentType]: protobufContentType,
    },
  };
}

function encodeEvent(event: ProductEvent, topics: ProductTopics['events']) {
  const base = { topic: topics[eventKinds[event.type]], messageType: event.type };
  switch (event.type) {
    case 'ProductCreated':
    case 'ProductUpdated':
      return {
        ...base,
        aggregateId: event.product.productId,
        payload: encodeMessage(event.type, { Product: toWireProduct(event.product) }),
      };
    case 'ProductDeleted':
      return {
        ...base,
        aggregateId: event.productId,
        payload: encodeMessage('ProductDeleted', {
          ProductID: event.productId,
          Version: event.version,
          DeletedAt: toTimestamp(event.deletedAt),
        }),
      };
    default:
      return assertNever(event);
  }
}
