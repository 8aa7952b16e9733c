import { paging, productFields, productInputSchema } from '@cqrs-products/contracts';
import { z } from 'zod';
import { exampleId } from './problem.examples.js';

// What each route answers when it fails lives with the problem documentation; re-exported so the
// routes find a route's whole schema here.
export {
  createProblems,
  deleteProblems,
  getProblems,
  healthProblems,
  searchProblems,
  updateProblems,
} from './product.problems.js';

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

const exampleToken = '6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const commandProductId = z
  .uuid()
  .meta({ description: 'The product the command is about', example: exampleId });

export const createdResponse = z
  .object({
    productId: commandProductId,
    version: z.literal(1).meta({
      description:
        'The version the create produces. Pass it as `minVersion` to `GET /api/v1/products/{id}` to read the product as soon as it is visible, with no 404 before',
    }),
  })
  .meta({
    id: 'CreateAccepted',
    description:
      'Kafka has the create command; the product becomes visible to queries once the writer and the reader have applied it',
    example: { productId: exampleId, version: 1 },
  });

export const productIdResponse = z
  .object({
    productId: commandProductId,
    consistencyToken: z.uuid().meta({
      description:
        "Names this command (its message id; the writer's event carries it). Pass it as `consistencyToken` to `GET /api/v1/products/{id}` to read this change or a later one",
      example: exampleToken,
    }),
  })
  .meta({
    id: 'CommandAccepted',
    description:
      'Kafka has the command; the change becomes visible to queries once the writer and the reader have applied it',
    example: { productId: exampleId, consistencyToken: exampleToken },
  });

/** Read-your-writes: what a GET waits for (bounded by the reader's READ_YOUR_WRITES_TIMEOUT_MS). */
export const productReadQuery = z.object({
  minVersion: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(Number.MAX_SAFE_INTEGER, 'is too large')
    .optional()
    .meta({
      description:
        'Answer only once the read model has at least this version (a create answers `version: 1`); waits up to 2 s, then 503 with Retry-After. A product deleted at this version or later answers 404',
      example: 1,
    }),
  consistencyToken: z.uuid({ error: 'must be a consistency token (a UUID)' }).optional().meta({
    description:
      "Answer only once the change of this update's or delete's command (its `consistencyToken`, a UUID) is applied: the updated product, or 404 for a delete. Waits up to 2 s, then 503 with Retry-After",
    // No example: Swagger UI's "Try it out" would prefill it, and a read would then wait for a
    // command that never happened (503). The command answers' examples show a token.
  }),
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
