import { encodeMessage, productTopics } from '@cqrs-products/contracts';
import { isAppError } from '@cqrs-products/errors';
import { classifyFailure, type IHeaders, type ReceivedMessage } from '@cqrs-products/kafka';
import { describe, expect, it } from 'vitest';
import { writerErrors } from '../src/errors.js';
import { poisonCodes, toCommandEnvelope } from '../src/kafka/command-message.js';
import { postgresFailure } from '../src/postgres/db.js';

// The writer's consumer passes no classifier: the runner's default reads a coded error's
// `retryable`, and the postgres adapter names PostgreSQL's connection errors (postgresFailure).
const classifyCommandFailure = classifyFailure;

const topics = productTopics('unit_').commands;
const productId = '6a1f0c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b';
const messageId = '0e8f5a3c-9d2b-4c1a-8f7e-6d5c4b3a2910';
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function received(
  topic: string,
  value: Buffer,
  { key = productId, headers = { 'message-id': messageId } as IHeaders } = {},
): ReceivedMessage {
  return {
    topic,
    partition: 0,
    message: { key: Buffer.from(key), value, headers, offset: '0', timestamp: '0', attributes: 0 },
  };
}

const lamp = { ProductID: productId, Name: 'Lamp', Description: 'A desk lamp', Price: 19.99 };

function poisonCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isAppError(error) && !error.retryable ? error.code : `not poison: ${String(error)}`;
  }
  return undefined;
}

describe('reading a command message', () => {
  it('turns a valid create into a create command with its id and trace context', () => {
    const message = received(topics.create, encodeMessage('ProductCreate', lamp), {
      headers: { 'message-id': messageId, traceparent, unrelated: 'x' },
    });
    expect(toCommandEnvelope(message, topics)).toEqual({
      commandId: messageId,
      source: topics.create,
      traceHeaders: { traceparent },
      command: { kind: 'create', productId, name: 'Lamp', description: 'A desk lamp', price: 19.99 },
    });
  });

  it('reads an update and a delete from their topics', () => {
    const update = toCommandEnvelope(received(topics.update, encodeMessage('ProductUpdate', lamp)), topics);
    expect(update.command.kind).toBe('update');
    const remove = encodeMessage('ProductDelete', { ProductID: productId });
    expect(toCommandEnvelope(received(topics.delete, remove), topics).command).toEqual({
      kind: 'delete',
      productId,
    });
  });

  it.each([
    [
      'garbage bytes',
      received(topics.create, Buffer.from([0xff, 0xff, 0xff, 0xff])),
      poisonCodes.undecodable,
    ],
    [
      'an empty name',
      received(topics.create, encodeMessage('ProductCreate', { ...lamp, Name: '' })),
      poisonCodes.invalidCommand,
    ],
    [
      'a negative price',
      received(topics.update, encodeMessage('ProductUpdate', { ...lamp, Price: -1 })),
      poisonCodes.invalidCommand,
    ],
    [
      'a ProductID that is not a UUID',
      received(topics.delete, encodeMessage('ProductDelete', { ProductID: 'abc' }), { key: 'abc' }),
      poisonCodes.invalidCommand,
    ],
    [
      'a key other than the ProductID',
      received(topics.create, encodeMessage('ProductCreate', lamp), { key: messageId }),
      poisonCodes.keyMismatch,
    ],
    [
      'no message-id header',
      received(topics.create, encodeMessage('ProductCreate', lamp), { headers: {} }),
      poisonCodes.invalidMessageId,
    ],
    [
      'a message-id that is not a UUID',
      received(topics.create, encodeMessage('ProductCreate', lamp), { headers: { 'message-id': '42' } }),
      poisonCodes.invalidMessageId,
    ],
    [
      'a topic it does not read',
      received('other_topic', encodeMessage('ProductCreate', lamp)),
      poisonCodes.unknownTopic,
    ],
  ])('rejects %s as poison', (_, message, code) => {
    expect(poisonCode(() => toCommandEnvelope(message, topics))).toBe(code);
  });
});

describe('classifying a handler failure', () => {
  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['admin shutdown (57P01)', Object.assign(new Error('terminating connection'), { code: '57P01' })],
    ['connection failure (08006)', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
  ])('waits out %s (transient), as the postgres adapter names it', (_, error) => {
    expect(classifyCommandFailure(postgresFailure(error))).toBe('transient');
  });

  it('dead-letters poison at once and retries anything else a bounded number of times', () => {
    expect(classifyCommandFailure(writerErrors.INVALID_COMMAND('bad'))).toBe('permanent');
    const syntax = Object.assign(new Error('syntax'), { code: '42601' });
    expect(classifyCommandFailure(postgresFailure(syntax))).toBe('unknown');
  });
});
