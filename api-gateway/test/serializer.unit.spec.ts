import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { problemSchema } from '../src/http/problem.docs.js';
import {
  createdResponse,
  healthResponse,
  productIdResponse,
  productResponse,
  searchResponse,
} from '../src/http/product.schemas.js';
import { serializerCompiler } from '../src/http/serializer.js';

const compile = (schema: z.ZodType, httpStatus: string, compiler = serializerCompiler) =>
  compiler({ schema, method: 'GET', url: '/api/v1/products/:id', httpStatus }) as (data: unknown) => string;

const product = {
  productId: '1f0e4b8a-6a5b-4c3d-9e2f-7a6b5c4d3e2f',
  name: 'Desk lamp',
  description: 'LED, "warm" white \\ 3 levels',
  price: 19.99,
  version: 2,
  createdAt: '2026-11-24T10:00:00.000Z',
  updatedAt: '2026-11-24T10:05:00.000Z',
};

describe('success bodies are written from the JSON Schema of their zod schema', () => {
  it.each([
    ['a product', productResponse, product],
    [
      'a search page',
      searchResponse,
      { totalCount: 1, totalPages: 1, page: 1, size: 10, hasMore: false, products: [product] },
    ],
    ['an accepted create', createdResponse, { productId: product.productId, version: 1 }],
    ['an accepted change', productIdResponse, productIdResponse.meta()?.example],
    ['health', healthResponse, { status: 'ok' }],
  ])('%s: the same JSON as zod writes', (_, schema, value) => {
    expect(value).toBeDefined();
    const written = compile(schema, '200')(value);
    expect(JSON.parse(written)).toEqual(JSON.parse(compile(schema, '200', zodSerializerCompiler)(value)));
  });

  it('writes only the properties of the contract, whatever else the value carries', () => {
    const written = JSON.parse(compile(productResponse, '200')({ ...product, internal: 'secret', _id: 'x' }));
    expect(written).toEqual(product);
  });

  it('refuses a body without a required property instead of answering half a product', () => {
    const { name: _, ...nameless } = product;
    expect(() => compile(productResponse, '200')(nameless)).toThrow(/name/);
  });
});

describe('problem answers keep zod serializer', () => {
  it('validates them: a problem that breaks its schema is refused', () => {
    expect(() => compile(problemSchema, '400')({ type: 42 })).toThrow(/doesn't match the schema/);
  });
});
