import { describe, expect, it } from 'vitest';
import { classifyFailure, PoisonMessageError } from '../src/failure.js';

// A coded error as the services make them: the package knows no error kinds, only `retryable`.
const coded = (retryable: boolean) => Object.assign(new Error('coded'), { code: 'SOME_CODE', retryable });

describe('the default failure classification', () => {
  it('takes an error that says whether it is retryable at its word', () => {
    expect(classifyFailure(coded(true))).toBe('transient');
    expect(classifyFailure(coded(false))).toBe('permanent');
  });

  it('says so even for an error that otherwise looks like a network failure', () => {
    const final = Object.assign(new Error('refused'), { code: 'ECONNREFUSED', retryable: false });
    expect(classifyFailure(final)).toBe('permanent');
  });

  it('dead-letters the poison marker, waits out network and Kafka failures, retries the rest', () => {
    expect(classifyFailure(new PoisonMessageError('bad', 'X'))).toBe('permanent');
    expect(classifyFailure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe('transient');
    expect(classifyFailure(Object.assign(new Error('gone'), { name: 'KafkaJSConnectionError' }))).toBe(
      'transient',
    );
    expect(classifyFailure(new Error('a bug'))).toBe('unknown');
    expect(classifyFailure(Object.assign(new Error('odd'), { retryable: 'yes' }))).toBe('unknown');
  });
});
