import { paging, productFields, productInputSchema } from '@cqrs-products/contracts';
import { z } from 'zod';
import { problemResponses } from './problem.docs.js';
import { exampleId } from './problem.examples.js';

/**
 * Request and response schemas of the product API. Each one both validates (Fastify + zod) and
 * documents (OpenAPI at /swagger) its route, so the two cannot drift apart. Schemas with an `id`
 * become shared components of the OpenAPI document (see app.ts).
 */

const exampleInput = { name: 'Desk lamp', description: 'A warm LED desk lamp with a brass arm', price: 49.9 };

export const productBody = productInputSchema.meta({
  description: 'What a product is made of; unknown fields are rejected',
  example: exampleInput,
});

export const productIdParams = z.object({
  id: productFields.productId.meta({ description: 'Product id (UUID)', example: exampleId }),
});

export const productIdResponse = z
  .object({
    productId: z.uuid().meta({ description: 'The product the command is about', example: exampleId }),
  })
  .meta({
    id: 'CommandAccepted',
    description:
      'Kafka has the command; the change becomes visible to queries once the writer and the reader have applied it',
    example: { productId: exampleId },
  });

export const productResponse = z
  .object({
    productId: z.uuid(),
    name: z.string(),
    description: z.string(),
    price: z.number().meta({ description: 'Non-negative; no currency is implied' }),
    version: z
      .number()
      .int()
      .min(1)
      .meta({ description: '1 on create, grows by one with every committed change' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({
    id: 'Product',
    description: 'A product as the read model has it (eventually consistent with the commands)',
    example: {
      productId: exampleId,
      ...exampleInput,
      version: 2,
      createdAt: '2026-11-24T10:00:00.000Z',
      updatedAt: '2026-11-24T10:05:00.000Z',
    },
  });

export const searchQuery = z.strictObject({
  search: z.string().max(250, 'must be at most 250 characters').default('').meta({
    description: 'Text matched case-insensitively in name or description, literally (not a pattern)',
    example: 'lamp',
  }),
  page: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .default(1)
    .meta({ description: 'Page number, from 1', example: 1 }),
  size: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(paging.maxSize, `must be at most ${paging.maxSize}`)
    .default(paging.defaultSize)
    .meta({ description: 'Products per page', example: paging.defaultSize }),
});

export const searchResponse = z
  .object({
    totalCount: z.number().int().min(0).meta({ description: 'Products matching the search, on all pages' }),
    totalPages: z.number().int().min(0),
    page: z.number().int().min(1),
    size: z.number().int().min(1),
    hasMore: z.boolean().meta({ description: 'Whether a later page has products' }),
    products: z.array(productResponse).meta({ description: 'Newest first' }),
  })
  .meta({
    id: 'SearchResult',
    description: 'One page of products',
    example: {
      totalCount: 1,
      totalPages: 1,
      page: 1,
      size: 10,
      hasMore: false,
      products: [
        {
          productId: exampleId,
          ...exampleInput,
          version: 1,
          createdAt: '2026-11-24T10:00:00.000Z',
          updatedAt: '2026-11-24T10:00:00.000Z',
        },
      ],
    },
  });

export const healthResponse = z
  .object({ status: z.literal('ok') })
  .meta({ description: 'The gateway process answers', example: { status: 'ok' } });

// The commands' 503: Kafka did not take the command in time, or the publisher refused it at once.
const commandUnavailable = ['commandNotAccepted', 'commandQueueFull'] as const;

export const createProblems = problemResponses({
  400: ['invalidBody', 'brokenJson'],
  405: ['collectionMethodNotAllowed'],
  413: ['tooLarge'],
  415: ['notJson'],
  500: ['internal'],
  503: commandUnavailable,
});
export const updateProblems = problemResponses({
  400: ['invalidBody', 'invalidId', 'brokenJson'],
  405: ['methodNotAllowed'],
  413: ['tooLarge'],
  415: ['notJson'],
  500: ['internal'],
  503: commandUnavailable,
});
export const deleteProblems = problemResponses({
  400: ['invalidId'],
  405: ['methodNotAllowed'],
  500: ['internal'],
  503: commandUnavailable,
});
export const getProblems = problemResponses({
  400: ['invalidId'],
  404: ['notFound'],
  405: ['methodNotAllowed'],
  500: ['internal'],
  503: ['readModelUnavailable'],
});
export const searchProblems = problemResponses({
  400: ['invalidQuery'],
  500: ['internal'],
  503: ['readModelUnavailable'],
});
export const healthProblems = problemResponses({ 500: ['internal'] });
