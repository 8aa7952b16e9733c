import type { FastifyOtelInstrumentationOpts } from '@fastify/otel';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';

type RequestHook = NonNullable<FastifyOtelInstrumentationOpts['requestHook']>;

/**
 * @fastify/otel's request span is the HTTP server span (there is no HTTP instrumentation, see
 * sdk.ts): it gets the name and the attributes of the stable HTTP server conventions that
 * @fastify/otel leaves out (it sets method, path, route and status itself). Only for spans that
 * are recorded: the other requests, most of them, pay nothing here.
 */
export const nameRequestSpan: RequestHook = (span, request) => {
  if (!span.isRecording()) return;
  const route = request.routeOptions.url;
  span.updateName(route ? `${request.method} ${route}` : request.method);
  span.setAttributes({
    [ATTR_URL_SCHEME]: request.protocol,
    [ATTR_SERVER_ADDRESS]: request.hostname,
    [ATTR_NETWORK_PROTOCOL_VERSION]: request.raw.httpVersion,
    [ATTR_CLIENT_ADDRESS]: request.ip,
    ...(request.port !== null && { [ATTR_SERVER_PORT]: request.port }),
    ...(request.headers['user-agent'] && { [ATTR_USER_AGENT_ORIGINAL]: request.headers['user-agent'] }),
  });
};
