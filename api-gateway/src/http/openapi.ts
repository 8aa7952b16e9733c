import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';

type OpenApiObject = NonNullable<FastifyDynamicSwaggerOptions['openapi']>;
type Transform = NonNullable<FastifyDynamicSwaggerOptions['transform']>;
type TransformObject = NonNullable<FastifyDynamicSwaggerOptions['transformObject']>;

/** The document's fixed part; paths and components come from the route schemas. */
export function openApiDocument(version: string): OpenApiObject {
  return {
    openapi: '3.0.3',
    info: {
      title: 'cqrs-products API',
      description:
        'Products through a CQRS pipeline. Commands (POST, PUT, DELETE) are answered as soon as Kafka has ' +
        'them; the writer applies them to PostgreSQL and publishes events through a transactional outbox, ' +
        'and the reader projects the events into MongoDB. Queries (GET) read that eventually consistent ' +
        'read model: a product created a moment ago may answer 404 for a few milliseconds, and every ' +
        'product carries its `version` so a client can wait for the change it made. Errors are ' +
        'RFC 9457 `application/problem+json` with a stable `type`. A method a path does not have is ' +
        'answered 405 with `Allow`; a method the server does not know at all, 501.',
      version,
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
    },
    // Relative, so "Try it out" calls whichever host and port served this document.
    servers: [{ url: '/', description: 'The gateway serving this document' }],
    // The API has no authentication (it is meant to sit behind the platform's edge): an empty
    // requirement list says so explicitly.
    security: [],
    tags: [{ name: 'products', description: 'Create, change, find and remove products' }],
  };
}

interface MediaWithExamples {
  readonly examples?: unknown;
}
type ContentResponses = Record<
  string,
  { headers?: Record<string, unknown>; content?: Record<string, MediaWithExamples> }
>;
type GeneratedResponses = Record<
  string,
  Record<string, unknown> & { headers?: unknown; content?: Record<string, { examples?: unknown }> }
>;

/**
 * What the zod transform leaves out: the named `examples` and the `headers` of error responses
 * (problem.docs.ts; @fastify/swagger turns `headers` into OpenAPI header objects), and the
 * description of success responses whose schema is a shared component (a bare `$ref` would be
 * documented as "Default Response"). Success responses stay bare zod schemas so that
 * Fastify's type provider checks what handlers send.
 */
export const transform: Transform = (input) => {
  const result = jsonSchemaTransform(input);
  const declared = (input.schema as { response?: Record<string, unknown> } | undefined)?.response ?? {};
  const generated = (result.schema as { response?: GeneratedResponses } | undefined)?.response;
  for (const [status, response] of Object.entries(declared)) {
    const target = generated?.[status];
    if (!target) continue;
    if (response instanceof z.ZodType) {
      const description = response.meta()?.description;
      // @fastify/swagger takes a sibling `description` of the `$ref` as the response description,
      // and strips it from the schema itself.
      if (description && '$ref' in target) target.description = description;
      continue;
    }
    const declaredResponse = response as ContentResponses[string];
    if (declaredResponse.headers) target.headers = declaredResponse.headers;
    for (const [mediaType, media] of Object.entries(declaredResponse.content ?? {})) {
      const generatedMedia = target.content?.[mediaType];
      if (generatedMedia && media.examples) generatedMedia.examples = media.examples;
    }
  }
  return result;
};

/**
 * Adds the schemas that have an `id` as shared components, then drops the ones nothing refers to:
 * the zod transform emits an input and an output variant of each, and only one is ever used.
 */
export const transformObject: TransformObject = (documentObject) => {
  const document = jsonSchemaTransformObject(documentObject) as {
    components?: { schemas?: Record<string, unknown> };
  };
  const schemas = document.components?.schemas ?? {};
  const referenced = new Set<string>();
  const visit = (json: string) => {
    for (const match of json.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      const name = match[1] as string;
      if (referenced.has(name)) continue;
      referenced.add(name);
      visit(JSON.stringify(schemas[name] ?? null));
    }
  };
  visit(JSON.stringify({ ...document, components: { ...document.components, schemas: {} } }));
  for (const name of Object.keys(schemas)) if (!referenced.has(name)) delete schemas[name];
  return document as ReturnType<TransformObject>;
};
