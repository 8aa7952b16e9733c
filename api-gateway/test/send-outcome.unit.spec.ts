import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { sendOutcomeUnknown } from '../src/kafka/send-outcome.js';

// The errors kafkajs's producer rejects a send with (its retrier wraps what it gave up on).
const retriesExceeded = (cause: Error) =>
  new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 3, retryTime: 1_000 });
// As kafkajs's retrier wraps an error it does not retry (its types omit the `cause` option).
const NonRetriable = KafkaJSNonRetriableError as unknown as new (
  e: Error,
  options: { cause: Error },
) => Error;
const nonRetriable = (cause: Error) => new NonRetriable(cause, { cause });
const brokerRefused = (type: string, retriable: boolean) =>
  new KafkaJSProtocolError({ message: type, type, code: 10, retriable } as never);

describe('whether Kafka may hold a batch whose send failed', () => {
  it('yes after kafkajs gave up retrying a lost connection, a timeout or a retriable broker error', () => {
    expect(
      sendOutcomeUnknown(retriesExceeded(new KafkaJSConnectionError('Connection error: ECONNREFUSED'))),
    ).toBe(true);
    expect(
      sendOutcomeUnknown(
        retriesExceeded(new KafkaJSRequestTimeoutError('Request Produce(key: 0) timed out')),
      ),
    ).toBe(true);
    expect(sendOutcomeUnknown(retriesExceeded(brokerRefused('NOT_LEADER_OR_FOLLOWER', true)))).toBe(true);
    expect(sendOutcomeUnknown(new KafkaJSConnectionError('Connection error'))).toBe(true);
    // What the producer really rejects a send to a stopped broker with (seen against a real one).
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    expect(sendOutcomeUnknown(nonRetriable(refused))).toBe(true);
  });

  it('no when the broker refused the batch with a non-retriable error, or it failed before anything was sent', () => {
    const tooLarge = brokerRefused('MESSAGE_TOO_LARGE', false);
    expect(sendOutcomeUnknown(nonRetriable(tooLarge))).toBe(false);
    expect(sendOutcomeUnknown(new KafkaJSError('Invalid message without value', { retriable: false }))).toBe(
      false,
    );
    expect(sendOutcomeUnknown(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(sendOutcomeUnknown('not an error')).toBe(false);
  });
});
