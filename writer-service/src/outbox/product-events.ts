import {
  assertNever,
  encodeProductMessage,
  eventKinds,
  headerNames,
  type ProductMessage,
  type ProductTopics,
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
  const message = encodeProductMessage({
    ...eventMessage(event, topics),
    headers: { ...traceHeaders, [headerNames.commandId]: commandId },
  });
  return {
    topic: message.topic,
    messageType: event.type,
    aggregateId: message.key,
    payload: message.value,
    headers: message.headers,
  };
}

type EventMessage =
  | ProductMessage<'ProductCreated'>
  | ProductMessage<'ProductUpdated'>
  | ProductMessage<'ProductDeleted'>;

function eventMessage(event: ProductEvent, topics: ProductTopics['events']): EventMessage {
  const topic = topics[eventKinds[event.type]];
  switch (event.type) {
    case 'ProductCreated':
    case 'ProductUpdated':
      return {
        topic,
        type: event.type,
        key: event.product.productId,
        value: { Product: toWireProduct(event.product) },
      };
    case 'ProductDeleted':
      return {
        topic,
        type: 'ProductDeleted',
        key: event.productId,
        value: {
          ProductID: event.productId,
          Version: event.version,
          DeletedAt: toTimestamp(event.deletedAt),
        },
      };
    default:
      return assertNever(event);
  }
}
