import type { Logger } from '@cqrs-products/logger';
import type { HttpMetrics } from '@cqrs-products/metrics';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { defaultBodyLimitBytes } from './body-limit.js';
import { answerClientError } from './client-error.js';
import { openApiDocument, transform, transformObject } from './openapi.js';
import { problemFor, sendProblem } from './problem.js';
import { type ProductRoutesDeps, productRoutes } from './product.routes.js';
import { answerRouteMisses } from './route-miss.js';
import { serializerCompiler } from './serializer.js';

export interface AppOptions extends ProductRoutesDeps {
  readonly log: Logger;
  /** Defaults to the largest valid product body plus slack (body-limit.ts). */
  readonly bodyLimitBytes?: number;
  readonly version?: string;
  /** Request duration by route and status (packages/metrics `httpMetrics`). */
  readonly metrics?: HttpMetrics;
}

/** The HTTP application without a listening socket, so tests can `inject` requests into it. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { log } = options;
  const answerProblem = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(reply, problemFor(error, request, log));
  const app: FastifyInstance = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes ?? defaultBodyLimitBytes,
    // A trailing slash names the same route (`/api/v1/products/health/` is the health route):
    // clients and proxies add one now and then, and a 404 for it would only surprise. 404 and 405
    // stay predictable all the same: route-miss.ts asks the router itself which methods a path has.
    routerOptions: { ignoreTrailingSlash: true },
    // Bad percent-encoding or an overlong path segment, found by the router: problem+json too.
    frameworkErrors: answerProblem,
    clientErrorHandler: answerClientError(log),
  });
  // Only JSON bodies: without this, Fastify's text/plain parser takes a string body and the answer
  // is a validation failure (400) instead of the documented 415.
  app.removeContentTypeParser('text/plain');
  answerRouteMisses(app);
  const { metrics } = options;
  if (metrics) {
    app.addHook('onResponse', async (request, reply) => {
      metrics.requestDuration.observe(
        {
          method: request.method,
          // The route pattern, not the URL: ids in paths would make a series per product.
          route: request.routeOptions.url ?? 'unmatched',
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });
  }
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler<FastifyError>(answerProblem);

  await app.register(swagger, {
    openapi: openApiDocument(options.version ?? '0.1.0'),
    transform,
    transformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/swagger' });
  // Named: Fastify and its tracing call the plugin by its function name (span "handler - productApi").
  await app.register(
    async function productApi(api) {
      await productRoutes(api, options);
    },
    { prefix: '/api/v1' },
  );

  return app;
}
