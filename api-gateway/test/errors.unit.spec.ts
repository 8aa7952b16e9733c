import { AppError, assertUniqueCodes, commonErrors, defineErrors } from '@cqrs-products/errors';
import { checkCatalogue } from '@cqrs-products/testing/error-catalogue';
import { errorCodes, type FastifyError, type FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { errors, gatewayCatalogue, gatewayErrors } from '../src/errors.js';
import { parserClientError } from '../src/http/framework-errors.js';

const commonFactories = defineErrors(commonErrors);

import { problemExamples } from '../src/http/problem.examples.js';
import { problemFor, problemType } from '../src/http/problem.js';

const catalogueTypes = new Set(Object.keys(gatewayCatalogue).map(problemType));
const request = { url: '/api/v1/products', method: 'POST', routeOptions: { bodyLimit: 32_768 } };
const quiet = { error: () => {} };
const problemOf = (error: unknown) =>
  problemFor(error as FastifyError, request as unknown as FastifyRequest, quiet);

describe('gateway error catalogue', () => {
  it('declares codes that no shared catalogue uses', () => {
    expect(() => assertUniqueCodes(commonErrors, gatewayErrors)).not.toThrow();
  });

  it('keeps the public problem types of the codes clients already know', () => {
    const known = [
      'PRODUCT_NOT_FOUND',
      'INVALID_REQUEST',
      'COMMAND_NOT_ACCEPTED',
      'COMMAND_QUEUE_FULL',
      'READ_MODEL_UNAVAILABLE',
    ] as const;
    expect(known.map((code) => problemOf(errors[code]()).type)).toEqual([
      'urn:cqrs-products:problem:product-not-found',
      'urn:cqrs-products:problem:invalid-request',
      'urn:cqrs-products:problem:command-not-accepted',
      'urn:cqrs-products:problem:command-queue-full',
      'urn:cqrs-products:problem:read-model-unavailable',
    ]);
  });
});

describe('every problem type the gateway can emit is a catalogue code', () => {
  it.each(Object.entries(errorCodes))('Fastify %s', (code, FastifyErrorClass) => {
    const error = new (FastifyErrorClass as unknown as new (...args: string[]) => FastifyError)(
      'a',
      'b',
      'c',
    );

    const problem = problemOf(error);

    expect(catalogueTypes).toContain(problem.type);
    expect(problem.type, code).not.toMatch(/fst|ctp/);
    // A client error stays a client error, with the status Fastify meant (or a plain 400).
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) expect([status, 400]).toContain(problem.status);
    else expect(problem.status).toBe(500);
  });

  it.each([
    'HPE_INVALID_METHOD',
    'HPE_HEADER_OVERFLOW',
    'ERR_HTTP_REQUEST_TIMEOUT',
    'HPE_INVALID_CONTENT_LENGTH',
    'HPE_SOMETHING_NEW',
  ])("Node's parser %s", (code) => {
    expect(catalogueTypes).toContain(problemType(parserClientError({ code })));
  });

  it.each(Object.keys(gatewayCatalogue) as (keyof typeof gatewayCatalogue)[])('coded %s', (code) => {
    const problem = problemOf(errors[code]('detail'));
    expect(problem).toMatchObject({ type: problemType(code), status: gatewayCatalogue[code].httpStatus });
  });

  it('every documented example', () => {
    for (const example of Object.values(problemExamples))
      expect(catalogueTypes).toContain(example.value.type);
  });

  it("an AppError of another catalogue is not ours to document: 500 'internal'", () => {
    expect(problemOf(commonFactories.TIMEOUT())).toMatchObject({
      type: problemType('INTERNAL'),
      status: 500,
    });
    expect(
      problemOf(new AppError('SOMETHING', { message: 'x', httpStatus: 418, grpcStatus: 2 })),
    ).toMatchObject({ status: 500 });
  });
});

// The table is the specification: a code's problem type and status are public (README, OpenAPI),
// and retryable says whether the same request may succeed later unchanged.
const expected = {
  VALIDATION_FAILED: ['urn:cqrs-products:problem:validation-failed', 400, false],
  PRODUCT_NOT_FOUND: ['urn:cqrs-products:problem:product-not-found', 404, false],
  INVALID_REQUEST: ['urn:cqrs-products:problem:invalid-request', 400, false],
  COMMAND_NOT_ACCEPTED: ['urn:cqrs-products:problem:command-not-accepted', 503, true],
  COMMAND_QUEUE_FULL: ['urn:cqrs-products:problem:command-queue-full', 503, true],
  VERSION_NOT_YET_VISIBLE: ['urn:cqrs-products:problem:version-not-yet-visible', 503, true],
  READ_MODEL_UNAVAILABLE: ['urn:cqrs-products:problem:read-model-unavailable', 503, true],
  ROUTE_NOT_FOUND: ['urn:cqrs-products:problem:route-not-found', 404, false],
  METHOD_NOT_ALLOWED: ['urn:cqrs-products:problem:method-not-allowed', 405, false],
  NOT_IMPLEMENTED: ['urn:cqrs-products:problem:not-implemented', 501, false],
  BODY_TOO_LARGE: ['urn:cqrs-products:problem:body-too-large', 413, false],
  MALFORMED_JSON: ['urn:cqrs-products:problem:malformed-json', 400, false],
  UNSUPPORTED_MEDIA_TYPE: ['urn:cqrs-products:problem:unsupported-media-type', 415, false],
  URI_TOO_LONG: ['urn:cqrs-products:problem:uri-too-long', 414, false],
  HEADERS_TOO_LARGE: ['urn:cqrs-products:problem:headers-too-large', 431, false],
  REQUEST_TIMEOUT: ['urn:cqrs-products:problem:request-timeout', 408, true],
  BAD_REQUEST: ['urn:cqrs-products:problem:bad-request', 400, false],
  INTERNAL: ['urn:cqrs-products:problem:internal', 500, false],
} as const;

const { filesMatching } = checkCatalogue({
  service: 'gateway',
  catalogue: gatewayCatalogue,
  factories: errors,
  expected,
  eachCode: [
    '%s -> type, HTTP, retryable: %j',
    (code, error, [type, status, retryable]) => {
      expect(error).toMatchObject({ code, retryable, spec: { httpStatus: status } });
      expect(problemOf(error)).toMatchObject({ type, status });
    },
  ],
  sources: new URL('../src', import.meta.url),
  mustRead: ['errors.ts', 'http/problem.ts'],
});

describe('one module of errors (gateway): problem types', () => {
  it("writes problem types only from catalogue codes (problem.ts), and names Fastify's codes only in their table", () => {
    expect(filesMatching(/urn:cqrs-products:problem/)).toEqual(['http/problem.ts']);
    expect(filesMatching(/FST_ERR_/)).toEqual(['http/framework-errors.ts']);
  });
});
