import { STATUS_CODES } from 'node:http';
import { isAppError } from '@cqrs-products/errors';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

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

const mismatchDetail: Record<string, string> = {
  body: 'The body does not match the schema',
  querystring: 'The query string does not match the schema',
  params: 'The path parameters do not match the schema',
  headers: 'The headers do not match the schema',
};

interface ProblemLog {
  error(obj: object, msg: string): void;
}

/**
 * The one place where failures become HTTP answers: schema validation -> 400 with field errors,
 * Fastify's own client errors (broken JSON, body too large, wrong media type) -> their 4xx,
 * coded AppErrors -> their catalogue status, anything else -> 500 with nothing internal exposed.
 */
export function problemFor(error: FastifyError, request: FastifyRequest, log: ProblemLog): Problem {
  const instance = request.url;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const part = error.validationContext ?? 'body';
    return {
      type: problemType('VALIDATION_FAILED'),
      title: 'Request validation failed',
      status: 400,
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
    };
  }
  if (isAppError(error)) {
    return {
      type: problemType(error.code),
      title: error.spec.message,
      status: error.spec.httpStatus,
      detail: error.message,
      instance,
      ...(error.details?.errors ? { errors: error.details.errors as Problem['errors'] } : {}),
    };
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500 && error.code?.startsWith('FST_')) {
    return {
      type: problemType(error.code.replace(/^FST_ERR_/, '')),
      title: STATUS_CODES[status] ?? 'Client error',
      status,
      detail: error.message,
      instance,
    };
  }
  log.error({ err: error, url: request.url, method: request.method }, 'unhandled error');
  return {
    type: problemType('INTERNAL'),
    title: 'Internal Server Error',
    status: 500,
    detail: 'An unexpected error occurred',
    instance,
  };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type(problemContentType).send(problem);
}
