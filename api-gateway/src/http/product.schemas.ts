import { paging, productFields, productInputSchema } from '@cqrs-products/contracts';
import { z } from 'zod';

/**
 * Request and response schemas of the product API. Each one both validates (Fastify + zod) and
 * documents (OpenAPI at /swagger) its route, so the two cannot drift apart.
 */

const exampleId = '1f0e4b8a-6a5b-4c3d-9e2f-7a6b5c4d3e2f';

export const productBody = productInputSchema.meta({
  example: { name: 'Desk lamp', description: 'A warm LED desk lamp with a brass arm', price: 49.9 },
});

export const productIdParams = z.object({
  id: productFields.productId.meta({ description: 'Product id (UUID)', example: exampleId }),
});

export const productIdResponse = z
  .object({ productId: z.uuid().meta({ example: exampleId }) })
  .meta({ description: 'The id of the product the command was accepted for' });

export const productResponse = z
  .object({
    productId: z.uuid(),
    name: z.string(),
    description: z.string(),
    price: z.number(),
    version: z.number().int().meta({ description: 'Grows by one with every committed change' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({
    example: {
      productId: exampleId,
      name: 'Desk lamp',
      description: 'A warm LED desk lamp with a brass arm',
      price: 49.9,
      version: 2,
      createdAt: '2026-11-24T10:00:00.000Z',
      updatedAt: '2026-11-24T10:05:00.000Z',
    },
  });

export const searchQuery = z.strictObject({
  search: z
    .string()
    .max(250)
    .default('')
    .meta({ description: 'Text matched case-insensitively in name or description' }),
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(paging.maxSize).default(paging.defaultSize),
});

export const searchResponse = z.object({
  totalCount: z.number().int(),
  totalPages: z.number().int(),
  page: z.number().int(),
  size: z.number().int(),
  hasMore: z.boolean(),
  products: z.array(productResponse),
});

export const problemResponse = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
  })
  .meta({
    description: 'RFC 9457 problem details (application/problem+json)',
    example: {
      type: 'urn:cqrs-products:problem:validation-failed',
      title: 'Request validation failed',
      status: 400,
      detail: 'The body does not match the schema',
      instance: '/api/v1/products',
      errors: [{ pointer: '/body/price', detail: 'must not be negative' }],
    },
  });

export const healthResponse = z.object({ status: z.literal('ok') });
