import { describe, expect, it } from 'vitest';
import { readDlqConfig } from '../src/config.js';

describe('dlq configuration', () => {
  it('reads the services’ KAFKA_BROKERS and KAFKA_TOPIC_PREFIX, with the services’ defaults', () => {
    expect(readDlqConfig({})).toEqual({ brokers: ['127.0.0.1:9092'], topicPrefix: '' });
    expect(readDlqConfig({ KAFKA_BROKERS: 'a:1, b:2', KAFKA_TOPIC_PREFIX: 'p_' })).toEqual({
      brokers: ['a:1', 'b:2'],
      topicPrefix: 'p_',
    });
  });

  it('refuses a bad value with one line naming the variable and what was given', () => {
    expect(() => readDlqConfig({ KAFKA_BROKERS: 'localhost' })).toThrow(
      'Invalid configuration: KAFKA_BROKERS="localhost": expected host:port',
    );
  });
});
