import { encodeMessage, toTimestamp } from '@cqrs-products/contracts';
import { isAppError } from '@cqrs-products/errors';
import { classifyFailure } from '@cqrs-products/kafka';
import { MongoNetworkError, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { readerErrors } from '../src/errors.js';
import { parseProductEvent } from '../src/kafka/product-event.parser.js';
import { mongoFailure } from '../src/mongo/mongo-failure.js';

// As the events consumer sees a MongoDB failure: named by the mongo adapter (mongoFailure), then
// classified by the runner's default, which reads a coded error's `retryable`.
const classifyMongoFailure = (error: unknown) => classifyFailure(mongoFailure(error));

const id = '3f2a3c1e-8d7b-4f5a-9c6e-1b2d3e4f5a6b';
const at = new Date('2024-05-06T07:08:09.123Z');
const wireProduct = {
  ProductID: id,
  Name: 'Lamp',
  Description: 'A desk lamp',
  Price: 19.99,
  CreatedAt: toTimestamp(at),
  UpdatedAt: toTimestamp(at),
  Version: 2,
};

const poisonCode = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return isAppError(error) && !error.retryable ? error.code : `not poison: ${String(error)}`;
  }
};

describe('parsing product events', () => {
  it('turns a ProductUpdated message into a domain event with dates and version', () => {
    const bytes = encodeMessage('ProductUpdated', { Product: wireProduct });
    expect(parseProductEvent('updated', bytes)).toEqual({
      type: 'ProductUpdated',
      product: {
        productId: id,
        name: 'Lamp',
        description: 'A desk lamp',
        price: 19.99,
        createdAt: at,
        updatedAt: at,
        version: 2,
      },
    });
  });

  it('turns a ProductDeleted message into a delete at its version', () => {
    const bytes = encodeMessage('ProductDeleted', { ProductID: id, Version: 3, DeletedAt: toTimestamp(at) });
    expect(parseProductEvent('deleted', bytes)).toEqual({
      type: 'ProductDeleted',
      productId: id,
      version: 3,
      deletedAt: at,
    });
  });

  it('rejects bytes that are not protobuf as poison', () => {
    expect(poisonCode(() => parseProductEvent('created', Buffer.from([0xff, 0xff, 0xff, 0xff])))).toBe(
      'UNDECODABLE_EVENT',
    );
  });

  it.each([
    ['a product id that is not a UUID', { Product: { ...wireProduct, ProductID: 'abc' } }],
    ['version 0', { Product: { ...wireProduct, Version: 0 } }],
    ['no product at all', {}],
    ['no timestamps', { Product: { ...wireProduct, CreatedAt: null } }],
  ])('rejects an event with %s as poison', (_, value) => {
    expect(poisonCode(() => parseProductEvent('created', encodeMessage('ProductCreated', value)))).toBe(
      'INVALID_EVENT',
    );
  });

  it('rejects an empty message as poison', () => {
    expect(poisonCode(() => parseProductEvent('deleted', null))).toBe('INVALID_EVENT');
  });
});

describe('classifying failures while applying an event', () => {
  it('waits out MongoDB being unreachable instead of dead-lettering', () => {
    expect(classifyMongoFailure(new MongoNetworkError('connection refused'))).toBe('transient');
  });

  it('dead-letters poison at once and retries other server errors a bounded number of times', () => {
    expect(classifyMongoFailure(readerErrors.INVALID_EVENT('bad'))).toBe('permanent');
    expect(classifyMongoFailure(new MongoServerError({ message: 'bad value', code: 2 }))).toBe('unknown');
  });
});
