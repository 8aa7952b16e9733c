import { KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { deadLetterTopic } from '../src/dead-letter.js';
import { isUnknownTopicOrPartition } from '../src/topics.js';

// kafkajs's own error classes, with the type its protocol layer sets from the broker's error code.
const protocolError = (type: string, message: string) =>
  Object.assign(new KafkaJSProtocolError(message), { type });
const unknownTopic = () =>
  protocolError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition');

describe('a topic the broker does not serve yet', () => {
  it('is recognised as the broker answers it', () => {
    expect(isUnknownTopicOrPartition(unknownTopic())).toBe(true);
  });

  it('is recognised when kafkajs gave up retrying it', () => {
    const gaveUp = new KafkaJSNumberOfRetriesExceeded(unknownTopic(), { retryCount: 5, retryTime: 1000 });
    expect(isUnknownTopicOrPartition(gaveUp)).toBe(true);
  });

  it('is not confused with other failures, which still fail the start-up', () => {
    const denied = protocolError('TOPIC_AUTHORIZATION_FAILED', 'Not authorized to access topics');
    expect(isUnknownTopicOrPartition(denied)).toBe(false);
    expect(isUnknownTopicOrPartition(new Error('connection refused'))).toBe(false);
    expect(isUnknownTopicOrPartition(undefined)).toBe(false);
  });
});

describe('the dead-letter topic of a topic', () => {
  it('is the topic with .dlq behind it, prefix and all', () => {
    expect(deadLetterTopic('t1_product_create')).toBe('t1_product_create.dlq');
  });
});
