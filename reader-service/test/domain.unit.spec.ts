import { describe, expect, it } from 'vitest';
import {
  escapeRegex,
  newestPerProduct,
  type Product,
  pageOf,
  projectEvent,
  type StoredProduct,
} from '../src/domain/product.js';

const id = '3f2a3c1e-8d7b-4f5a-9c6e-1b2d3e4f5a6b';
const t0 = new Date('2024-01-01T00:00:00.000Z');
const fields = { name: 'Lamp', description: 'A desk lamp', price: 19.99 };
const product = (version: number): Product => ({
  productId: id,
  ...fields,
  createdAt: t0,
  updatedAt: t0,
  version,
});
const live = (version: number): StoredProduct => ({ kind: 'live', product: product(version) });
const deleted = (version: number): StoredProduct => ({
  kind: 'deleted',
  tombstone: { productId: id, version, deletedAt: t0 },
});

describe('projecting an event', () => {
  it('stores the full product state that created and updated events carry', () => {
    expect(projectEvent({ type: 'ProductUpdated', product: product(3) })).toEqual(live(3));
  });

  it('turns a delete into a tombstone that keeps the version', () => {
    expect(projectEvent({ type: 'ProductDeleted', productId: id, version: 4, deletedAt: t0 })).toEqual(
      deleted(4),
    );
  });
});

describe('the newest version of each product in a batch', () => {
  const other = '9b1d4c2e-0f3a-4b5c-8d7e-6f5a4b3c2d1e';
  const liveOf = (productId: string, version: number): StoredProduct => ({
    kind: 'live',
    product: { ...product(version), productId },
  });

  it('keeps only the highest version of a product, whichever position it has', () => {
    expect(newestPerProduct([live(1), live(3), deleted(4), live(2)])).toEqual([2]);
  });

  it('keeps one position per product, products in order of first appearance', () => {
    expect(newestPerProduct([liveOf(other, 2), live(1), liveOf(other, 5), live(2)])).toEqual([2, 3]);
  });

  it('keeps the first of two equal versions (a duplicate delivery)', () => {
    expect(newestPerProduct([live(2), live(2)])).toEqual([0]);
  });
});

describe('search paging', () => {
  it('counts pages, rounding a partial last page up', () => {
    expect(pageOf(25, 1, 10)).toEqual({
      totalCount: 25,
      totalPages: 3,
      page: 1,
      size: 10,
      hasMore: true,
      skip: 0,
    });
  });

  it('has no more after the last page', () => {
    expect(pageOf(25, 3, 10)).toMatchObject({ totalPages: 3, hasMore: false, skip: 20 });
    expect(pageOf(30, 3, 10)).toMatchObject({ totalPages: 3, hasMore: false });
  });

  it('answers an empty result with zero pages and nothing more', () => {
    expect(pageOf(0, 1, 10)).toMatchObject({ totalCount: 0, totalPages: 0, hasMore: false, skip: 0 });
  });

  it('treats a page past the end as empty, not as an error', () => {
    expect(pageOf(5, 4, 2)).toMatchObject({ totalPages: 3, hasMore: false, skip: 6 });
  });

  it('handles the size bounds: one per page and a hundred per page', () => {
    expect(pageOf(3, 2, 1)).toMatchObject({ totalPages: 3, hasMore: true, skip: 1 });
    expect(pageOf(250, 3, 100)).toMatchObject({ totalPages: 3, hasMore: false, skip: 200 });
  });
});

describe('escaping search text', () => {
  const literal = (text: string) => new RegExp(escapeRegex(text), 'i');

  it.each(['.*', '(', '[', '\\', 'a+b?', '^$', '{2}', 'x|y', 'C:\\temp\\[draft].*'])(
    'matches %j only literally',
    (text) => {
      expect(literal(text).test(`before ${text} after`)).toBe(true);
      expect(literal(text).source).not.toBe(text);
    },
  );

  it('no longer matches what the unescaped pattern would', () => {
    expect(literal('.*').test('anything')).toBe(false);
    expect(literal('a.c').test('abc')).toBe(false);
  });

  it('leaves ordinary text alone', () => {
    expect(escapeRegex('desk lamp 42')).toBe('desk lamp 42');
  });
});
