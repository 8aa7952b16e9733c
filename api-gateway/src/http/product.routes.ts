import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ReaderClient } from '../grpc/reader.client.js';
import type { ProductCommands } from '../kafka/product-commands.producer.js';
import { commandPublishFailed } from './command-errors.js';
import {
  healthResponse,
  problemResponse,
  productBody,
  productIdParams,
  productIdResponse,
  productResponse,
  searchQuery,
  searchResponse,
} from './product.schemas.js';

export interface ProductRoutesDeps {
  readonly commands: ProductCommands;
  readonly reader: ReaderClient;
}

const tags = ['products'];

/**
 * W3C trace context of the incoming request, forwarded on the command so the writer and the
 * events it emits stay in the caller's trace.
 */
function traceHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ['traceparent', 'tracestate'] as const) {
    const value = request.headers[name];
    if (typeof value === 'string' && value.length <= 512) headers[name] = value;
  }
  return headers;
}
const problems = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, problemResponse]));

/**
 * Commands answer as soon as Kafka has the command (the change becomes visible to queries a
 * moment later); queries go to the reader over gRPC.
 */
export async function productRoutes(app: FastifyInstance, deps: ProductRoutesDeps): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { commands, reader } = deps;

  routes.post(
    '/products',
    {
      schema: {
        tags,
        summary: 'Create a product',
        description: 'Queues a ProductCreate command; the product becomes visible to queries shortly after.',
        body: productBody,
        response: { 201: productIdResponse, ...problems(400, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      const productId = randomUUID();
      await commands.create(productId, request.body, traceHeaders(request)).catch(commandPublishFailed);
      return reply.code(201).send({ productId });
    },
  );

  routes.put(
    '/products/:id',
    {
      schema: {
        tags,
        summary: 'Update a product',
        description: 'Queues a ProductUpdate command. An unknown id is dead-lettered by the writer.',
        params: productIdParams,
        body: productBody,
        response: { 200: productIdResponse, ...problems(400, 413, 415, 503) },
      },
    },
    async (request) => {
      await commands
        .update(request.params.id, request.body, traceHeaders(request))
        .catch(commandPublishFailed);
      return { productId: request.params.id };
    },
  );

  routes.delete(
    '/products/:id',
    {
      schema: {
        tags,
        summary: 'Delete a product',
        params: productIdParams,
        response: { 200: productIdResponse, ...problems(400, 503) },
      },
    },
    async (request) => {
      await commands.delete(request.params.id, traceHeaders(request)).catch(commandPublishFailed);
      return { productId: request.params.id };
    },
  );

  routes.get(
    '/products/search',
    {
      schema: {
        tags,
        summary: 'Search products',
        description: 'Case-insensitive substring match on name or description; the text is never a pattern.',
        querystring: searchQuery,
        response: { 200: searchResponse, ...problems(400, 503) },
      },
    },
    async (request) => reader.search(request.query),
  );

  routes.get(
    '/products/health',
    { schema: { tags, summary: 'Gateway health', response: { 200: healthResponse } } },
    async () => ({ status: 'ok' as const }),
  );

  routes.get(
    '/products/:id',
    {
      schema: {
        tags,
        summary: 'Get a product by id',
        params: productIdParams,
        response: { 200: productResponse, ...problems(400, 404, 503) },
      },
    },
    async (request) => reader.getProductById(request.params.id),
  );
}
