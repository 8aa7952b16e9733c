import { encodeMessage } from '@cqrs-products/contracts';
import { describe, expect, it } from 'vitest';
import { type KafkaRecord, redriveMessage } from '../src/dead-letter.js';
import { decodeValue, messageTypeOf } from '../src/decode.js';

const value = encodeMessage('ProductUpdate', { ProductID: 'p', Name: 'n', Description: 'd', Price: 2 });
const record = (headers: KafkaRecord['headers']): KafkaRecord => ({
  topic: 'x_product_update.dlq',
  partition: 0,
  offset: '7',
  timestamp: '0',
  key: Buffer.from('p'),
  value,
  headers,
});
const dlqHeaders = {
  'dlq-error': Buffer.from('invalid'),
  'dlq-error-code': Buffer.from('INVALID_COMMAND'),
  'dlq-original-topic': Buffer.from('x_product_update'),
  'dlq-original-partition': Buffer.from('1'),
  'dlq-original-offset': Buffer.from('3'),
  'dlq-attempts': Buffer.from('3'),
  'dlq-failed-at': Buffer.from('2026-01-01T00:00:00Z'),
};
const now = new Date('2026-03-04T05:06:07.000Z');

describe('the message a redrive sends', () => {
  it('goes to the original topic with the same key, value and headers, message-id kept, dlq-* replaced by the trail', () => {
    const traceparent = Buffer.from('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    const sent = redriveMessage(
      record({ ...dlqHeaders, 'message-id': Buffer.from('m-1'), traceparent, multi: ['a', 'b'] }),
      now,
    );
    expect(sent.topic).toBe('x_product_update');
    expect(sent.key).toEqual(Buffer.from('p'));
    expect(sent.value).toBe(value);
    expect(sent.headers).toEqual({
      'message-id': Buffer.from('m-1'),
      traceparent,
      multi: ['a', 'b'],
      'dlq-redriven-from': 'x_product_update.dlq/0/7',
      'dlq-redriven-at': '2026-03-04T05:06:07.000Z',
      'dlq-redriven-count': '1',
    });
  });

  it('of a dead letter that was redriven before, replaces the old trail and counts the redrives', () => {
    const sent = redriveMessage(
      record({
        ...dlqHeaders,
        'dlq-redriven-from': Buffer.from('x_product_update.dlq/0/2'),
        'dlq-redriven-at': Buffer.from('2026-01-01T00:00:00Z'),
        'dlq-redriven-count': Buffer.from('2'),
      }),
      now,
    );
    expect(sent.headers['dlq-redriven-from']).toBe('x_product_update.dlq/0/7');
    expect(sent.headers['dlq-redriven-count']).toBe('3');
  });

  it('is refused when the record says it came from another topic than its DLQ is named after', () => {
    expect(() =>
      redriveMessage(record({ ...dlqHeaders, 'dlq-original-topic': Buffer.from('product_delete') }), now),
    ).toThrow(/x_product_update.dlq\/0\/7 has dlq-original-topic product_delete, not x_product_update/);
    expect(() => redriveMessage(record({}), now)).toThrow(/\(missing\)/);
  });
});

describe('decoding a dead letter value', () => {
  it('uses the protobuf type of the original topic, whatever its prefix', () => {
    expect(messageTypeOf('stack_1_product_create')).toBe('ProductCreate');
    expect(messageTypeOf('product_created')).toBe('ProductCreated');
    expect(messageTypeOf('product_deleted')).toBe('ProductDeleted');
    expect(messageTypeOf('orders')).toBeUndefined();
    expect(decodeValue('x_product_update', value)).toEqual({
      kind: 'decoded',
      type: 'ProductUpdate',
      value: { ProductID: 'p', Name: 'n', Description: 'd', Price: 2 },
    });
  });

  it('returns bytes and the reason when the value does not decode or the topic is unknown', () => {
    expect(decodeValue('x_product_update', Buffer.from([0xff]))).toMatchObject({
      kind: 'undecodable',
      type: 'ProductUpdate',
      reason: expect.stringMatching(/^not a valid ProductUpdate: /),
      hex: 'ff',
      base64: '/w==',
    });
    expect(decodeValue('orders', value)).toMatchObject({
      kind: 'undecodable',
      reason: 'no protobuf type is known for topic orders',
    });
  });
});
