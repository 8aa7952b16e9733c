import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeMessage,
  fromTimestamp,
  loadReaderProto,
  loadWriterProto,
  productTopics,
  toTimestamp,
} from '../src/index.js';

describe('kafka message codec', () => {
  it('round-trips an event with the full product, version and timestamps', () => {
    const createdAt = new Date('2026-01-02T03:04:05.678Z');
    const bytes = encodeMessage('ProductCreated', {
      Product: {
        ProductID: '7d8f0c1e-3a4b-4c5d-9e6f-112233445566',
        Name: 'Lamp',
        Description: 'A desk lamp',
        Price: 19.99,
        CreatedAt: toTimestamp(createdAt),
        UpdatedAt: toTimestamp(createdAt),
        Version: 3,
      },
    });

    const decoded = decodeMessage('ProductCreated', bytes);

    expect(decoded.Product?.Version).toBe(3);
    expect(decoded.Product?.Price).toBe(19.99);
    const decodedCreatedAt = decoded.Product?.CreatedAt;
    expect(decodedCreatedAt && fromTimestamp(decodedCreatedAt)).toEqual(createdAt);
  });

  it('fills defaults for absent fields so consumers never see undefined', () => {
    const decoded = decodeMessage('ProductUpdate', encodeMessage('ProductUpdate', { ProductID: 'x' }));
    expect(decoded).toEqual({ ProductID: 'x', Name: '', Description: '', Price: 0 });
  });

  it('refuses to encode a value of the wrong type instead of sending garbage', () => {
    expect(() => encodeMessage('ProductCreate', { Price: 'free' as unknown as number })).toThrow(/Price/);
  });

  it('rejects bytes that are not a protobuf encoding', () => {
    expect(() => decodeMessage('ProductCreate', Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow();
  });
});

describe('gRPC service definitions', () => {
  it('exposes the reader and writer services with the original method names (and the reader batch lookup)', () => {
    expect(Object.keys(loadReaderProto().proto.readerService.readerService.service)).toEqual([
      'CreateProduct',
      'UpdateProduct',
      'GetProductById',
      'GetProductsByIds',
      'SearchProduct',
      'DeleteProductByID',
    ]);
    expect(Object.keys(loadWriterProto().proto.writerService.writerService.service)).toEqual([
      'CreateProduct',
      'UpdateProduct',
      'GetProductById',
    ]);
  });
});

describe('topic names', () => {
  it('are the original names without a prefix', () => {
    expect(productTopics()).toEqual({
      commands: { create: 'product_create', update: 'product_update', delete: 'product_delete' },
      events: { created: 'product_created', updated: 'product_updated', deleted: 'product_deleted' },
    });
  });

  it('carry the prefix on every topic, so tests can share a broker', () => {
    const topics = productTopics('t1_');
    expect(
      [...Object.values(topics.commands), ...Object.values(topics.events)].every((t) => t.startsWith('t1_')),
    ).toBe(true);
  });
});
