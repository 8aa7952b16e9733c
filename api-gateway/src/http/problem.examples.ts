import { gatewayCatalogue } from '../errors.js';
import { defaultBodyLimitBytes } from './body-limit.js';
import { type Problem, problemOf } from './problem.js';

export const exampleId = '1f0e4b8a-6a5b-4c3d-9e2f-7a6b5c4d3e2f';
const products = '/api/v1/products';
const product = `${products}/${exampleId}`;

/** Response headers an error answer may carry, as OpenAPI documents them. */
export const problemHeaders = {
  Allow: {
    description: 'The methods the path supports (405 only)',
    type: 'string',
    example: 'DELETE, GET, HEAD, PUT',
  },
  'Retry-After': {
    description:
      'Seconds to wait before retrying; sent when the command was refused at once (the queue was full, or the gateway is stopping), or a read did not see the version it waited for',
    type: 'integer',
    minimum: 1,
    example: 1,
  },
} as const;

export interface ProblemExample {
  readonly when: string;
  readonly value: Problem;
  /** Headers this answer really carries (the unit tests check them). */
  readonly headers?: readonly (keyof typeof problemHeaders)[];
}

const withMessage = (code: keyof typeof gatewayCatalogue, detail: string) =>
  `${gatewayCatalogue[code].message}: ${detail}`;

/**
 * Real answers of the gateway, shown under each error response; the unit tests provoke each one
 * and compare, so the documentation cannot promise what the code does not do.
 */
export const problemExamples = {
  invalidBody: {
    when: 'The body does not match the schema',
    value: problemOf('VALIDATION_FAILED', {
      detail: 'The body does not match the schema',
      instance: products,
      errors: [
        { pointer: '/body/name', detail: 'must not be empty' },
        { pointer: '/body/price', detail: 'must not be negative' },
        { pointer: '/body/colour', detail: 'is not a known field' },
      ],
    }),
  },
  brokenJson: {
    when: 'The body is not valid JSON',
    value: problemOf('MALFORMED_JSON', { instance: products }),
  },
  invalidId: {
    when: 'The id is not a UUID',
    value: problemOf('VALIDATION_FAILED', {
      detail: 'The path parameters do not match the schema',
      instance: '/api/v1/products/not-a-uuid',
      errors: [{ pointer: '/params/id', detail: 'must be a UUID' }],
    }),
  },
  invalidQuery: {
    when: 'A query parameter is unknown or out of range',
    value: problemOf('VALIDATION_FAILED', {
      detail: 'The query string does not match the schema',
      instance: '/api/v1/products/search?size=1000',
      errors: [{ pointer: '/querystring/size', detail: 'must be at most 100' }],
    }),
  },
  notFound: {
    when: 'No such product, or not visible yet (queries are eventually consistent)',
    value: problemOf('PRODUCT_NOT_FOUND', {
      detail: withMessage('PRODUCT_NOT_FOUND', exampleId),
      instance: product,
    }),
  },
  methodNotAllowed: {
    when: 'The product path has no such method (PATCH, say); Allow lists those it has',
    value: problemOf('METHOD_NOT_ALLOWED', {
      detail: withMessage('METHOD_NOT_ALLOWED', 'PATCH is not one of DELETE, GET, HEAD, PUT'),
      instance: product,
    }),
    headers: ['Allow'],
  },
  collectionMethodNotAllowed: {
    when: 'The collection has no such method (it lists nothing: use search); Allow lists those it has',
    value: problemOf('METHOD_NOT_ALLOWED', {
      detail: withMessage('METHOD_NOT_ALLOWED', 'GET is not one of POST'),
      instance: products,
    }),
    headers: ['Allow'],
  },
  tooLarge: {
    when: `The body is larger than HTTP_BODY_LIMIT_BYTES (by default ${defaultBodyLimitBytes}: the largest valid body, every character JSON-escaped, plus room for whitespace)`,
    value: problemOf('BODY_TOO_LARGE', {
      detail: withMessage('BODY_TOO_LARGE', `at most ${defaultBodyLimitBytes} bytes are accepted`),
      instance: products,
    }),
  },
  notJson: {
    when: 'The body is not application/json (text/plain included)',
    value: problemOf('UNSUPPORTED_MEDIA_TYPE', { instance: products }),
  },
  commandNotAccepted: {
    when: 'Kafka did not acknowledge the command in time; nothing was queued, retry',
    value: problemOf('COMMAND_NOT_ACCEPTED', { instance: products }),
  },
  commandQueueFull: {
    when: 'Too many commands are waiting for Kafka; refused at once, nothing was queued, retry after Retry-After',
    value: problemOf('COMMAND_QUEUE_FULL', { instance: products }),
    headers: ['Retry-After'],
  },
  versionNotYetVisible: {
    when: 'minVersion or consistencyToken: the read model did not have that change within the bound (2 s); retry after Retry-After',
    value: problemOf('VERSION_NOT_YET_VISIBLE', {
      detail: withMessage('VERSION_NOT_YET_VISIBLE', exampleId),
      instance: `${product}?minVersion=2`,
    }),
    headers: ['Retry-After'],
  },
  readModelUnavailable: {
    when: 'The reader did not answer within its deadline; retry',
    value: problemOf('READ_MODEL_UNAVAILABLE', {
      detail: withMessage('READ_MODEL_UNAVAILABLE', 'No connection established'),
      instance: product,
    }),
  },
  internal: {
    when: 'An unexpected failure; the details are in the gateway log, never in the answer',
    value: problemOf('INTERNAL', { instance: product }),
  },
} satisfies Record<string, ProblemExample>;

export type ProblemExampleName = keyof typeof problemExamples;
