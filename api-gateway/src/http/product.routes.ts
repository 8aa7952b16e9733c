import { randomUUID } from 'node:crypto';
import { isAppError } from '@cqrs-products/errors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ReaderClient } from '../grpc/reader.client.js';
import type { ProductCommands } from '../kafka/product-commands.producer.js';
import { commandPublishFailed } from './command-errors.js';
import {
  createdResponse,
  createProblems,
  deleteProblems,
  getProblems,
  healthProblems,
  healthResponse,
  productBody,
  productIdParams,
  productIdResponse,
  productReadQuery,
  productResponse,
  searchProblems,
  searchQuery,
  searchResponse,
  updateProblems,
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

/**
 * The reader waited its whole bound: the change is on its way (or was refused by the writer), so
 * the client may ask again; one second is the smallest delay the header can say.
 */
const retryLaterWhenNotVisible =
  (reply: FastifyReply) =>
  (error: unknown): never => {
    if (isAppError(error) && error.code === 'VERSION_NOT_YET_VISIBLE') reply.header('retry-after', '1');
    throw error;
  };

/**
 * Command routes write one info line each, the one that ties a request to its Kafka message,
 * instead of Fastify's two ("incoming request", "request completed"): each line is a synchronous
 * write to stdout, and the two cost the gateway a fifth of its CPU per command
 * (bench/results/post-path-profile.md). Each request is still counted and timed
 * (http_server_request_duration_seconds) and sampled into traces; failures still log.
 */
const commandLogLevel = 'warn';

const logAccepted = (request: FastifyRequest, command: string, productId: string, commandId: string) =>
  request.server.log.info({ reqId: request.id, command, productId, commandId }, 'command accepted');

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
      logLevel: commandLogLevel,
      schema: {
        tags,
        operationId: 'createProduct',
        summary: 'Create a product',
        description:
          'Queues a ProductCreate command under a new id and answers once Kafka has it, with the version the ' +
          'create produces (1). The product becomes visible to queries shortly after: ' +
          '`GET /api/v1/products/{id}?minVersion=1` waits for it instead of answering 404.',
        body: productBody,
        response: { 201: createdResponse, ...createProblems },
      },
    },
    async (request, reply) => {
      const productId = randomUUID();
      const commandId = await commands
        .create(productId, request.body, traceHeaders(request))
        .catch(commandPublishFailed(reply));
      logAccepted(request, 'create', productId, commandId);
      // Known now: the id is new, so the writer can only create it at version 1 (or refuse it).
      return reply.code(201).send({ productId, version: 1 as const });
    },
  );

  routes.put(
    '/products/:id',
    {
      logLevel: commandLogLevel,
      schema: {
        tags,
        operationId: 'updateProduct',
        summary: 'Update a product',
        description:
          'Queues a ProductUpdate command that replaces name, description and price; the version grows by ' +
          'one. The answer carries a `consistencyToken`: `GET /api/v1/products/{id}?consistencyToken=...` ' +
          'waits until this update is visible. An update of an unknown id is accepted here and later ' +
          'dead-lettered by the writer (its token then never becomes visible: 503).',
        params: productIdParams,
        body: productBody,
        response: { 200: productIdResponse, ...updateProblems },
      },
    },
    async (request, reply) => {
      const consistencyToken = await commands
        .update(request.params.id, request.body, traceHeaders(request))
        .catch(commandPublishFailed(reply));
      logAccepted(request, 'update', request.params.id, consistencyToken);
      return { productId: request.params.id, consistencyToken };
    },
  );

  routes.delete(
    '/products/:id',
    {
      logLevel: commandLogLevel,
      schema: {
        tags,
        operationId: 'deleteProduct',
        summary: 'Delete a product',
        description:
          "Queues a ProductDelete command; once applied, queries answer 404 for the id. With the answer's " +
          '`consistencyToken`, `GET /api/v1/products/{id}?consistencyToken=...` waits until the delete is ' +
          'applied, then answers 404. A delete of an unknown id is accepted here and later dead-lettered.',
        params: productIdParams,
        response: { 200: productIdResponse, ...deleteProblems },
      },
    },
    async (request, reply) => {
      const consistencyToken = await commands
        .delete(request.params.id, traceHeaders(request))
        .catch(commandPublishFailed(reply));
      logAccepted(request, 'delete', request.params.id, consistencyToken);
      return { productId: request.params.id, consistencyToken };
    },
  );

  routes.get(
    '/products/search',
    {
      schema: {
        tags,
        operationId: 'searchProducts',
        summary: 'Search products',
        description:
          'Case-insensitive substring match on name or description (the text is never a pattern), newest ' +
          'first, one page at a time. Reads the eventually consistent read model.',
        querystring: searchQuery,
        response: { 200: searchResponse, ...searchProblems },
      },
    },
    async (request) => reader.search(request.query),
  );

  routes.get(
    '/products/health',
    {
      schema: {
        tags,
        operationId: 'getHealth',
        summary: 'Gateway health',
        description:
          'Answers while the gateway process serves HTTP. Readiness of its dependencies is on the probes ' +
          'port (`/ready`, 3001), not here.',
        response: { 200: healthResponse, ...healthProblems },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  routes.get(
    '/products/:id',
    {
      // The hottest path: two info lines per request ("incoming request", "request completed")
      // cost the gateway a seventh of its CPU here. Each request is still counted and timed
      // (http_server_request_duration_seconds) and sampled into traces; failures still log.
      logLevel: 'warn',
      schema: {
        tags,
        operationId: 'getProductById',
        summary: 'Get a product by id',
        description:
          'Reads the read model (Redis, then MongoDB). A product created or changed a moment ago may not be ' +
          'visible yet. To read your own write, pass what the command answered: `minVersion=1` after a ' +
          'create, `consistencyToken` after an update or delete. The reader then waits (at most 2 s) until ' +
          'the read model has that change and answers it (404 for a delete), else 503 with Retry-After.',
        params: productIdParams,
        querystring: productReadQuery,
        response: { 200: productResponse, ...getProblems },
      },
    },
    async (request, reply) =>
      reader.getProductById(request.params.id, request.query).catch(retryLaterWhenNotVisible(reply)),
  );
}
