import type { Logger } from '@cqrs-products/logger';
import type { HttpMetrics } from '@cqrs-products/metrics';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { openApiDocument, transform, transformObject } from './openapi.js';
import { problemFor, problemType, sendProblem } from './problem.js';
import { type ProductRoutesDeps, productRoutes } from './product.routes.js';

export interface AppOptions extends ProductRoutesDeps {
  readonly log: Logger;
  readonly bodyLimitBytes: number;
  readonly version?: string;
  /** Request duration by route and status (packages/metrics `httpMetrics`). */
  readonly metrics?: HttpMetrics;
}

/** The HTTP application without a listening socket, so tests can `inject` requests into it. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: options.log as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes,
    // The gateway sits behind nothing that rewrites paths; exact routes make 404s predictable.
    routerOptions: { ignoreTrailingSlash: true },
  });
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

  app.setErrorHandler<FastifyError>((error, request, reply) =>
    sendProblem(reply, problemFor(error, request, options.log)),
  );
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      type: problemType('ROUTE_NOT_FOUND'),
      title: 'Not Found',
      status: 404,
      detail: `No route for ${request.method} ${request.url.split('?')[0]}`,
      instance: request.url,
    }),
  );

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
