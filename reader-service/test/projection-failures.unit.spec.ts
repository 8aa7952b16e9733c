import { AppError } from '@cqrs-products/errors';
import { classifyFailure, PoisonMessageError, type ReceivedMessage } from '@cqrs-products/kafka';
import { MongoNetworkError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { readerErrors } from '../src/errors.js';
import { decodeBatch } from '../src/kafka/product-events.consumer.js';
import { mongoFailure } from '../src/mongo/mongo-failure.js';
import { searchStoreFailure } from '../src/postgres/search-database.js';

// The events consumer passes no classifier of its own: the runner's default is the reader's.
describe('classifying a projection failure once, from what the error says', () => {
  const classify = classifyFailure;

  it('a coded error is classified by its retryable flag', () => {
    expect(classify(readerErrors.INVALID_EVENT('x'))).toBe('permanent');
    expect(classify(readerErrors.READ_MODEL_UNAVAILABLE('search store'))).toBe('transient');
  });

  it("a store outage is named once, by the store's adapter; anything else is the runner default", () => {
    expect(classify(searchStoreFailure(new Error('Connection terminated unexpectedly')))).toBe('transient');
    expect(classify(mongoFailure(new MongoNetworkError('connection reset')))).toBe('transient');
    expect(classify(mongoFailure(searchStoreFailure(new Error('a bug'))))).toBe('unknown');
    expect(classify(new PoisonMessageError('bad', 'X'))).toBe('permanent');
  });
});

describe('poison codes are catalogue codes', () => {
  it("an undecodable event is dead-lettered with the catalogue's code and message", () => {
    const received = {
      topic: 't',
      partition: 0,
      message: { offset: '0', value: Buffer.from([0xff, 0xff, 0xff, 0xff]) },
    } as unknown as ReceivedMessage;

    const [verdict] = decodeBatch('created', [received]).verdicts;

    const error = verdict?.kind === 'dead-letter' ? verdict.error : undefined;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UNDECODABLE_EVENT' });
    expect((error as Error).message).toMatch(
      /^The payload is not an encoded event: cannot decode ProductCreated/,
    );
  });
});
