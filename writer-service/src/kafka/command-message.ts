import {
  type CommandKind,
  decodeWire,
  fromWireChange,
  headerNames,
  type ProductTopics,
  type WireProductChange,
  wireRequestSchemas,
} from '@cqrs-products/contracts';
import type { IHeaders, ReceivedMessage } from '@cqrs-products/kafka';
import { pickTraceHeaders } from '@cqrs-products/tracing';
import { z } from 'zod';
import type { ProductCommand } from '../domain/product.js';
import { type WriterErrorCode, writerErrors } from '../errors.js';
import type { CommandEnvelope, KafkaOrigin } from '../product-command.handler.js';

const messageNames = { create: 'ProductCreate', update: 'ProductUpdate', delete: 'ProductDelete' } as const;

const commandSchemas = {
  create: wireRequestSchemas.change,
  update: wireRequestSchemas.change,
  delete: wireRequestSchemas.byId,
} as const;

const messageIdSchema = z.uuid();

/** The catalogue's poison codes (errors.ts), as they appear in the `dlq-error-code` header. */
export const poisonCodes = {
  unknownTopic: 'UNKNOWN_TOPIC',
  invalidMessageId: 'INVALID_MESSAGE_ID',
  undecodable: 'UNDECODABLE_PAYLOAD',
  invalidCommand: 'INVALID_COMMAND',
  keyMismatch: 'KEY_MISMATCH',
} as const satisfies Record<string, WriterErrorCode>;

/**
 * Turns a command message into what the handler needs, or throws the catalogue's poison error: a
 * message that fails here fails the same way on every delivery, so it goes to the DLQ at once (not
 * retryable), with the error's code and message as its `dlq-error-code` and `dlq-error` headers.
 */
export function toCommandEnvelope(
  received: ReceivedMessage,
  topics: ProductTopics['commands'],
): CommandEnvelope {
  const kind = (Object.keys(topics) as CommandKind[]).find((k) => topics[k] === received.topic);
  if (!kind) throw writerErrors.UNKNOWN_TOPIC(received.topic);
  const { headers, key, value } = received.message;

  const commandId = messageIdSchema.safeParse(header(headers, headerNames.messageId));
  if (!commandId.success) throw writerErrors.INVALID_MESSAGE_ID();

  const command = decodeCommand(kind, value);
  if (key?.toString() !== command.productId)
    // The key decides the partition, hence the order of this product's commands; a command
    // filed under another key could overtake or be overtaken by the product's other commands.
    throw writerErrors.KEY_MISMATCH(`key ${key?.toString() ?? '(none)'}, ProductID ${command.productId}`);

  // The consumer's process span for this message becomes the event's parent, so the relay and the
  // reader continue the same trace; with tracing off, the received context passes through.
  const traceHeaders = pickTraceHeaders((name) => received.traceHeaders?.[name] ?? header(headers, name));
  return { commandId: commandId.data, source: received.topic, traceHeaders, command };
}

/**
 * The message as received, kept with a command that is parked, so that its dead letter (if its
 * create never comes) carries the original value, headers and position.
 */
export function originOf(received: ReceivedMessage): KafkaOrigin {
  const { message } = received;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.map((v) => v.toString()) : value.toString();
  }
  return {
    topic: received.topic,
    partition: received.partition,
    offset: message.offset,
    value: message.value,
    headers,
  };
}

function decodeCommand(kind: CommandKind, value: Buffer | null): ProductCommand {
  const decoded = decodeWire(messageNames[kind], value, commandSchemas[kind]);
  if (!decoded.ok) {
    const code = decoded.failure === 'undecodable' ? poisonCodes.undecodable : poisonCodes.invalidCommand;
    throw writerErrors[code](decoded.message, { cause: decoded.cause });
  }
  const data = decoded.value as WireProductChange;
  return kind === 'delete' ? { kind, productId: data.ProductID } : { kind, ...fromWireChange(data) };
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
