import { z } from 'zod';
import {
  type ProblemExample,
  type ProblemExampleName,
  problemExamples,
  problemHeaders,
} from './problem.examples.js';
import { problemContentType } from './problem.js';

/**
 * How error answers are documented: one shared Problem schema, and per route and status the named
 * examples of what that route really answers (problem.examples.ts), with the headers they carry.
 */

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
    example: problemExamples.invalidBody.value,
  });

/**
 * An error answer: the shared Problem schema as application/problem+json, with named examples and
 * the headers any of them carries. Fastify ignores `examples` and `headers`; openapi.ts copies them
 * into the document.
 */
function problemResponse(exampleNames: readonly ProblemExampleName[]) {
  const examples: [ProblemExampleName, ProblemExample][] = exampleNames.map((name) => [
    name,
    problemExamples[name],
  ]);
  const headerNames = [...new Set(examples.flatMap(([, example]) => example.headers ?? []))];
  return {
    description: examples.map(([, example]) => example.when).join('. '),
    ...(headerNames.length > 0
      ? { headers: Object.fromEntries(headerNames.map((name) => [name, problemHeaders[name]])) }
      : {}),
    content: {
      [problemContentType]: {
        schema: problemSchema,
        examples: Object.fromEntries(
          examples.map(([name, example]) => [name, { summary: example.when, value: example.value }]),
        ),
      },
    },
  };
}

/** Error answers by status, each with the examples that status can really carry on the route. */
export function problemResponses<const T extends Record<number, readonly ProblemExampleName[]>>(
  byStatus: T,
): { [S in keyof T]: ReturnType<typeof problemResponse> } {
  return Object.fromEntries(
    Object.entries(byStatus).map(([status, names]) => [status, problemResponse(names)]),
  ) as { [S in keyof T]: ReturnType<typeof problemResponse> };
}
