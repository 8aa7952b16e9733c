import { encodeMessage, toTimestamp } from '@cqrs-products/contracts';
import { classifyFailure, type ReceivedMessage } from '@cqrs-products/kafka';
import { MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { readerErrors } from '../src/errors.js';
import { decodeBatch } from '../src/kafka/product-events.consumer.js';
import { mongoFailure } from '../src/mongo/mongo-failure.js';

// As the events consumer sees a MongoDB failure: named by the mongo adapter (mongoFailure), then
// classified by the runner's default, which reads a coded error's `retryable`.
const classifyMongoFailure = (error: unknown) => classifyFailure(mongoFailure(error));

const at = toTimestamp(new Date('2024-05-06T07:08:09.123Z'));
const created = (ProductID: string) =>
  encodeMessage('ProductCreated', {
    Product: { ProductID, Name: 'n', Description: 'd', Price: 1, CreatedAt: at, UpdatedAt: at, Version: 1 },
  });
const received = (value: Buffer, offset: number): ReceivedMessage =>
  ({ topic: 't', partition: 0, message: { offset: String(offset), value } }) as unknown as ReceivedMessage;
const ids = ['3f2a3c1e-8d7b-4f5a-9c6e-1b2d3e4f5a6b', '9b1d4c2e-0f3a-4b5c-8d7e-6f5a4b3c2d1e'];

describe('decoding a batch of events', () => {
  it('dead-letters a poison message alone and keeps its neighbours, in order', () => {
    const { events, verdicts } = decodeBatch('created', [
      received(created(ids[0] as string), 10),
      received(Buffer.from([0xff, 0xff, 0xff, 0xff]), 11),
      received(created(ids[1] as string), 12),
    ]);

    expect(verdicts.map((v) => v.kind)).toEqual(['done', 'dead-letter', 'done']);
    expect(verdicts[1]).toMatchObject({ error: { code: 'UNDECODABLE_EVENT' } });
    expect(events.map((e) => e.type === 'ProductCreated' && e.product.productId)).toEqual(ids);
  });
});

describe('classifying a projection failure', () => {
  it.each([
    ['a network error', new MongoNetworkError('connection reset')],
    ['no server selected', new MongoServerSelectionError('no server', { servers: new Map() } as never)],
    ['a client not connected', new MongoNotConnectedError('not connected')],
  ])('waits out %s (transient): MongoDB is down, not the event bad', (_, error) => {
    expect(classifyMongoFailure(error)).toBe('transient');
  });

  it('dead-letters poison at once and retries anything else a bounded number of times', () => {
    expect(classifyMongoFailure(readerErrors.INVALID_EVENT('bad'))).toBe('permanent');
    expect(classifyMongoFailure(new Error('a bug'))).toBe('unknown');
  });
});
