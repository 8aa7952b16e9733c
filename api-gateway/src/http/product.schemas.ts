import { paging, productFields, productInputSchema } from '@cqrs-products/contracts';
import { z } from 'zod';
import { problemContentType, problemType } from './problem.js';

/**
 * Request and response schemas of the product API. Each one both validates (Fastify + zod) and
 * documents (OpenAPI at /swagger) its route, so the two cannot drift apart. Schemas with an `id`
 * become shared components of the OpenAPI document (see app.ts).
 */

const exampleId = '1f0e4b8a-6a5b-4c3d-9e2f-7a6b5c4d3e2f';
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
  search: z.string().max(250).default('').meta({
    description: 'Text matched case-insensitively in name or description, literally (not a pattern)',
    example: 'lamp',
  }),
  page: z.coerce.number().int().min(1).default(1).meta({ description: 'Page number, from 1', example: 1 }),
  size: z.coerce
    .number()
    .int()
    .min(1)
    .max(paging.maxSize)
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

export const problemSchema = z
  .object({
    type: z.string().meta({ description: 'Stable URI of the problem kind; clients may switch on it' }),
    title: z.string().meta({ description: 'Short summary of the problem kind' }),
    status: z.number().int().min(400).max(599).meta({ description: 'The HTTP status, repeated' }),
    detail: z.string().meta({ description: 'What went wrong with this request' }),
    instance: z.string().optional().meta({ description: 'The request path' }),
    errors: z
      .array(
        z.object({
          pointer: z.string().meta({ description: 'JSON pointer into the request: /body/..., /params/...' }),
          detail: z.string(),
        }),
      )
      .optional()
      .meta({ description: 'One entry per invalid field (validation failures only)' }),
  })
  .meta({
    id: 'Problem',
    description: 'RFC 9457 problem details, the body of every error answer',
    example: {
      type: problemType('VALIDATION_FAILED'),
      title: 'Request validation failed',
      status: 400,
      detail: 'The body does not match the schema',
      instance: '/api/v1/products',
      errors: [{ pointer: '/body/price', detail: 'must not be negative' }],
    },
  });

type ProblemExample = z.input<typeof problemSchema>;

/**
 * Real answers of the gateway, shown under each error response; the unit tests provoke each one
 * and compare, so the documentation cannot promise what the code does not do.
 */
export const problemExamples = {
  invalidBody: {
    when: 'The body does not match the schema',
    value: {
      type: problemType('VALIDATION_FAILED'),
      title: 'Request validation failed',
      status: 400,
      detail: 'The body does not match the schema',
      instance: '/api/v1/products',
      errors: [
        { pointer: '/body/name', detail: 'must not be empty' },
        { pointer: '/body/price', detail: 'must not be negative' },
        { pointer: '/body/colour', detail: 'is not a known field' },
      ],
    },
  },
  brokenJson: {
    when: 'The body is not valid JSON',
    value: {
      type: problemType('CTP_INVALID_JSON_BODY'),
      title: 'Bad Request',
      status: 400,
      detail: "Body is not valid JSON but content-type is set to 'application/json'",
      instance: '/api/v1/products',
    },
  },
  invalidId: {
    when: 'The id is not a UUID',
    value: {
      type: problemType('VALIDATION_FAILED'),
      title: 'Request validation failed',
      status: 400,
      detail: 'The path parameters do not match the schema',
      instance: '/api/v1/products/not-a-uuid',
      errors: [{ pointer: '/params/id', detail: 'must be a UUID' }],
    },
  },
  invalidQuery: {
    when: 'A query parameter is unknown or out of range',
    value: {
      type: problemType('VALIDATION_FAILED'),
      title: 'Request validation failed',
      status: 400,
      detail: 'The query string does not match the schema',
      instance: '/api/v1/products/search?size=1000',
      errors: [{ pointer: '/querystring/size', detail: 'Too big: expected number to be <=100' }],
    },
  },
  notFound: {
    when: 'No such product, or not visible yet (queries are eventually consistent)',
    value: {
      type: problemType('PRODUCT_NOT_FOUND'),
      title: 'Product not found',
      status: 404,
      detail: `Product not found: ${exampleId}`,
      instance: `/api/v1/products/${exampleId}`,
    },
  },
  tooLarge: {
    when: 'The body is larger than HTTP_BODY_LIMIT_BYTES (16 KiB by default)',
    value: {
      type: problemType('CTP_BODY_TOO_LARGE'),
      title: 'Payload Too Large',
      status: 413,
      detail: 'Request body is too large',
      instance: '/api/v1/products',
    },
  },
  notJson: {
    when: 'The body is not JSON',
    value: {
      type: problemType('CTP_INVALID_MEDIA_TYPE'),
      title: 'Unsupported Media Type',
      status: 415,
      detail: 'Unsupported Media Type',
      instance: '/api/v1/products',
    },
  },
  commandNotAccepted: {
    when: 'Kafka did not acknowledge the command in time; nothing was queued, retry',
    value: {
      type: problemType('COMMAND_NOT_ACCEPTED'),
      title: 'The command could not be queued, nothing was changed; retry later',
      status: 503,
      detail: 'The command could not be queued, nothing was changed; retry later',
      instance: '/api/v1/products',
    },
  },
  readModelUnavailable: {
    when: 'The reader did not answer within its deadline; retry',
    value: {
      type: problemType('READ_MODEL_UNAVAILABLE'),
      title: 'The read model is unavailable; retry later',
      status: 503,
      detail: 'The read model is unavailable; retry later: No connection established',
      instance: `/api/v1/products/${exampleId}`,
    },
  },
  internal: {
    when: 'An unexpected failure; the details are in the gateway log, never in the answer',
    value: {
      type: problemType('INTERNAL'),
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred',
      instance: `/api/v1/products/${exampleId}`,
    },
  },
} satisfies Record<string, { when: string; value: ProblemExample }>;

type ExampleName = keyof typeof problemExamples;

/**
 * An error answer: the shared Problem schema as application/problem+json, with named examples.
 * Fastify ignores `examples`; openapi.ts copies them into the document.
 */
function problemResponse(exampleNames: readonly ExampleName[]) {
  return {
    description: exampleNames.map((name) => problemExamples[name].when).join('. '),
    content: {
      [problemContentType]: {
        schema: problemSchema,
        examples: Object.fromEntries(
          exampleNames.map((name) => [
            name,
            { summary: problemExamples[name].when, value: problemExamples[name].value },
          ]),
        ),
      },
    },
  };
}

/** Error answers by status, each with the examples that status can really carry on the route. */
function problemResponses<const T extends Record<number, readonly ExampleName[]>>(
  byStatus: T,
): { [S in keyof T]: ReturnType<typeof problemResponse> } {
  return Object.fromEntries(
    Object.entries(byStatus).map(([status, names]) => [status, problemResponse(names)]),
  ) as { [S in keyof T]: ReturnType<typeof problemResponse> };
}

export const createProblems = problemResponses({
  400: ['invalidBody', 'brokenJson'],
  413: ['tooLarge'],
  415: ['notJson'],
  500: ['internal'],
  503: ['commandNotAccepted'],
});
export const updateProblems = problemResponses({
  400: ['invalidBody', 'invalidId', 'brokenJson'],
  413: ['tooLarge'],
  415: ['notJson'],
  500: ['internal'],
  503: ['commandNotAccepted'],
});
export const deleteProblems = problemResponses({
  400: ['invalidId'],
  500: ['internal'],
  503: ['commandNotAccepted'],
});
export const getProblems = problemResponses({
  400: ['invalidId'],
  404: ['notFound'],
  500: ['internal'],
  503: ['readModelUnavailable'],
});
export const searchProblems = problemResponses({
  400: ['invalidQuery'],
  500: ['internal'],
  503: ['readModelUnavailable'],
});
export const healthProblems = problemResponses({ 500: ['internal'] });
