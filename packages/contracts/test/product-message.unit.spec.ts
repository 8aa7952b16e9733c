import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeProductMessage, headerNames, protobufContentType } from '../src/index.js';

const lamp = {
  ProductID: 'c0ffee00-1111-4222-8333-444455556666',
  Name: 'Lamp',
  Description: 'A desk lamp',
  Price: 2,
};

describe('a product message ready for Kafka', () => {
  it('carries the protobuf value and the message id, type and content type in its headers', () => {
    const message = encodeProductMessage({
      topic: 't',
      type: 'ProductCreate',
      key: lamp.ProductID,
      value: lamp,
    });
    expect(message).toMatchObject({ topic: 't', key: lamp.ProductID });
    expect(decodeMessage('ProductCreate', message.value)).toEqual(lamp);
    expect(message.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(message.headers).toEqual({
      [headerNames.messageId]: message.messageId,
      [headerNames.messageType]: 'ProductCreate',
      [headerNames.contentType]: protobufContentType,
    });
  });

  it('keeps a message id given (a redelivery is recognised by it) and the extra headers', () => {
    const message = encodeProductMessage({
      topic: 't',
      type: 'ProductDelete',
      key: lamp.ProductID,
      value: { ProductID: lamp.ProductID },
      messageId: 'given',
      headers: {
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        [headerNames.messageId]: 'x',
      },
    });
    expect(message.messageId).toBe('given');
    expect(message.headers[headerNames.messageId]).toBe('given');
    expect(message.headers.traceparent).toMatch(/^00-0af7/);
  });
});
