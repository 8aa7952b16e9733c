import { PoisonMessageError, type ReceivedMessage } from '@cqrs-products/kafka';
import { MongoNetworkError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { readerErrors } from '../src/errors.js';
import { decodeBatch, projectionFailureClassifier } from '../src/kafka/product-events.consumer.js';

describe('classifying a projection failure once, from what the error says', () => {
  const classify = projectionFailureClassifier(() => true);

  it('a coded error is classified by its retryable flag, even while a store looks unreachable', () => {
    expect(classify(readerErrors.INVALID_EVENT('x'))).toBe('permanent');
    expect(classify(readerErrors.READ_MODEL_UNAVAILABLE('search store'))).toBe('transient');
  });

  it("an uncoded error is left to the stores' classifiers, then the runner default", () => {
    expect(classify(new Error('connection terminated'))).toBe('transient');
    const noStoreDown = projectionFailureClassifier(() => false);
    expect(noStoreDown(new MongoNetworkError('connection reset'))).toBe('transient');
    expect(noStoreDown(new Error('a bug'))).toBe('unknown');
    expect(projectionFailureClassifier()(new PoisonMessageError('bad', 'X'))).toBe('permanent');
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
    expect(error).toBeInstanceOf(PoisonMessageError);
    expect(error).toMatchObject({ code: 'UNDECODABLE_EVENT' });
    expect((error as Error).message).toMatch(
      /^The payload is not an encoded event: cannot decode ProductCreated/,
    );
  });
});
