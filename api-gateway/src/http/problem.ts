import { isAppError } from '@cqrs-products/errors';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { type GatewayErrorCode, gatewayCatalogue, isGatewayErrorCode } from '../errors.js';
import { fastifyClientError } from './framework-errors.js';

/** RFC 9457 problem details, the body of every error answer. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  /** Field-level validation errors: where (JSON pointer into body, query or path) and why. */
  readonly errors?: readonly { readonly pointer: string; readonly detail: string }[];
}

export const problemContentType = 'application/problem+json';

/** Stable, documented problem types; a client may switch on them. */
export const problemType = (code: string): string =>
  `urn:cqrs-products:problem:${code.toLowerCase().replaceAll('_', '-')}`;

/** A problem of a catalogue code: the code's message is the title, its status the status. */
export function problemOf(
  code: GatewayErrorCode,
  { detail, instance, errors }: Partial<Pick<Problem, 'detail' | 'instance' | 'errors'>> = {},
): Problem {
  const spec = gatewayCatalogue[code];
  return {
    type: problemType(code),
    title: spec.message,
    status: spec.httpStatus,
    detail: detail ?? spec.message,
    ...(instance === undefined ? {} : { instance }),
    ...(errors ? { errors } : {}),
  };
}

const mismatchDetail: Record<string, string> = {
  body: 'The body does not match the schema',
  querystring: 'The query string does not match the schema',
  params: 'The path parameters do not match the schema',
  headers: 'The headers do not match the schema',
};

interface ProblemLog {
  error(obj: object, msg: string): void;
}

/** The limit the request was held to; the route's own, or the server's. */
const bodyLimitOf = (request: FastifyRequest): number | undefined => request.routeOptions.bodyLimit;

/**
 * The one place where failures become HTTP answers: schema validation -> 400 with field errors,
 * Fastify's own client errors -> our codes (framework-errors.ts), coded AppErrors -> their catalogue
 * status, anything else -> 500 with nothing internal exposed. Every `type` is a catalogue code.
 */
export function problemFor(error: FastifyError, request: FastifyRequest, log: ProblemLog): Problem {
  const instance = request.url;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = error.validationContext ?? 'body';
    return problemOf('VALIDATION_FAILED', {
      detail: mismatchDetail[part] ?? `The ${part} does not match the schema`,
      instance,
      errors: error.validation.flatMap((issue) => {
        const at = `/${part}${issue.instancePath === '/' ? '' : issue.instancePath}`;
        // Unknown fields are one issue for the object; point at each field instead.
        const unknownKeys = issue.keyword === 'unrecognized_keys' ? (issue.params.keys as string[]) : [];
        if (unknownKeys.length > 0)
          return unknownKeys.map((key) => ({ pointer: `${at}/${key}`, detail: 'is not a known field' }));
        return [{ pointer: at, detail: issue.message ?? 'is invalid' }];
      }),
    });
  }
  // An AppError of another catalogue (a shared package's) is not something we documented: a bug.
  if (isAppError(error) && isGatewayErrorCode(error.code)) {
    const errors = error.details?.errors as Problem['errors'];
    return problemOf(error.code, { detail: error.message, instance, ...(errors ? { errors } : {}) });
  }
  const clientError = fastifyClientError(error);
  if (clientError) {
    const { code } = clientError;
    const message = gatewayCatalogue[code].message;
    const detail =
      code === 'BODY_TOO_LARGE' ? `at most ${bodyLimitOf(request)} bytes are accepted` : clientError.detail;
    return problemOf(code, { detail: detail ? `${message}: ${detail}` : message, instance });
  }
  log.error({ err: error, url: request.url, method: request.method }, 'unhandled error');
  return problemOf('INTERNAL', { instance });
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type(problemContentType).send(problem);
}
