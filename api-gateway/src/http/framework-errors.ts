import type { GatewayErrorCode } from '../errors.js';

/**
 * What Fastify and Node's HTTP parser refuse on their own, in our codes: their codes are internal
 * names that may change with a release, ours are the public problem types (errors.ts).
 */

interface Mapped {
  readonly code: GatewayErrorCode;
  /** Said after the code's message; without it the message alone is the detail. */
  readonly detail?: string;
}

/** Fastify's client errors (`FST_ERR_*`, status 4xx), as they reach the error handler. */
const fastifyErrors: Readonly<Record<string, Mapped>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_JSON', detail: 'the body is empty' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'BAD_REQUEST',
    detail: 'the body size does not match Content-Length',
  },
  FST_ERR_BAD_URL: { code: 'BAD_REQUEST', detail: 'the path is not valid percent-encoding' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'URI_TOO_LONG' },
  // Schemas here are zod (problem.ts reads their issues); these two are Fastify's own fallbacks.
  FST_ERR_VALIDATION: { code: 'VALIDATION_FAILED' },
  FST_ERR_NOT_FOUND: { code: 'ROUTE_NOT_FOUND' },
};

/** Errors of Node's HTTP parser ('clientError'): the request never became a Fastify request. */
const parserErrors: Readonly<Record<string, GatewayErrorCode>> = {
  // A method token llhttp does not know (Node 20 knows QUERY: that one reaches the router, 405).
  // RFC 9110 section 9.1: an unrecognised method is answered 501.
  HPE_INVALID_METHOD: 'NOT_IMPLEMENTED',
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
};

interface CodedError {
  readonly code?: string;
  readonly statusCode?: number;
}

/**
 * Our code for a Fastify client error; undefined for anything else (a 5xx of Fastify's is a bug of
 * ours and answers 500). A client error not in the table is a generic bad request.
 */
export function fastifyClientError(error: CodedError): Mapped | undefined {
  if (!error.code?.startsWith('FST_ERR_')) return undefined;
  const mapped = fastifyErrors[error.code];
  if (mapped) return mapped;
  const status = error.statusCode ?? 500;
  return status >= 400 && status < 500 ? { code: 'BAD_REQUEST' } : undefined;
}

/** Our code for an error of Node's HTTP parser; anything unlisted is a generic bad request. */
export const parserClientError = (error: CodedError): GatewayErrorCode =>
  (error.code && parserErrors[error.code]) || 'BAD_REQUEST';
