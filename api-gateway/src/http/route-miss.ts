import type { AppError } from '@cqrs-products/errors';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { errors } from '../errors.js';

/**
 * A request no route takes: 405 with `Allow` when its path has routes for other methods (RFC 9110
 * section 15.5.6), 404 when it has none. Call before any route is registered: the methods are
 * collected as routes are added.
 */
export function answerRouteMisses(app: FastifyInstance): void {
  // HEAD routes come with every GET (Fastify's exposeHeadRoutes), and are reported here too.
  const methods = new Set<HTTPMethods>();
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) methods.add(method.toUpperCase() as HTTPMethods);
  });

  /** The methods the router would take this path with, as the router itself matches it. */
  const allowedMethods = (path: string): string[] =>
    [...methods].filter((method) => app.findRoute({ method, url: path }) !== null).sort();

  const miss = (request: FastifyRequest, reply: FastifyReply): AppError => {
    const path = request.url.split('?')[0] ?? '/';
    const allow = allowedMethods(path);
    // A route of this very method may still answer not-found (a missing Swagger UI asset): 404.
    if (allow.length === 0 || allow.includes(request.method)) return errors.ROUTE_NOT_FOUND(path);
    reply.header('allow', allow.join(', '));
    return errors.METHOD_NOT_ALLOWED(`${request.method} is not one of ${allow.join(', ')}`);
  };

  // In onRequest, before the body is read: a request no route takes is answered 404/405 whatever its
  // body (too large, broken, or a QUERY without Content-Type, which Fastify refuses before routing).
  app.addHook('onRequest', async (request, reply) => {
    if (request.is404) throw miss(request, reply);
  });
  // Still reached through `reply.callNotFound()`.
  app.setNotFoundHandler(async (request, reply) => {
    throw miss(request, reply);
  });
}
