import { describe, expect, it } from 'vitest';
import { fromProductRow, productColumns } from '../src/index.js';

describe("a row of the writer's products table", () => {
  const createdAt = new Date('2026-01-02T03:04:05.678Z');
  const updatedAt = new Date('2026-01-03T03:04:05.678Z');
  const row = {
    product_id: '7d8f0c1e-3a4b-4c5d-9e6f-112233445566',
    name: 'Lamp',
    description: 'A desk lamp',
    price: 19.99,
    version: '12',
    created_at: createdAt,
    updated_at: updatedAt,
  };

  it('is the product, with its bigint version as a number', () => {
    expect(fromProductRow(row)).toEqual({
      productId: row.product_id,
      name: 'Lamp',
      description: 'A desk lamp',
      price: 19.99,
      version: 12,
      createdAt,
      updatedAt,
    });
  });

  it('is selected by exactly the columns the mapping reads', () => {
    expect(productColumns.split(', ').sort()).toEqual(Object.keys(row).sort());
  });
});
