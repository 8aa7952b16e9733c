import { once } from 'node:events';
import { createServer } from 'node:http';
import { z } from 'zod';

/** One received span, flattened with the service that sent it. */
export interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: SpanKindName;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

export type SpanKindName = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
const kinds: readonly SpanKindName[] = [
  'unspecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];

// OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): ids are hex,
// 64-bit integers may be strings, attribute values are one-of wrappers.
const anyValue = z.object({
  stringValue: z.string().optional(),
  boolValue: z.boolean().optional(),
  intValue: z.union([z.string(), z.number()]).optional(),
  doubleValue: z.number().optional(),
});
const keyValues = z.array(z.object({ key: z.string(), value: anyValue })).default([]);
const exportRequest = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: keyValues }),
      scopeSpans: z.array(
        z.object({
          spans: z.array(
            z.object({
              traceId: z.string(),
              spanId: z.string(),
              parentSpanId: z.string().optional(),
              name: z.string(),
              kind: z.number().int().min(0).max(5),
              attributes: keyValues,
            }),
          ),
        }),
      ),
    }),
  ),
});

const flatten = (values: z.infer<typeof keyValues>) =>
  Object.fromEntries(
    values.map(({ key, value }) => [
      key,
      value.stringValue ?? value.boolValue ?? value.doubleValue ?? Number(value.intValue ?? Number.NaN),
    ]),
  );

export interface OtlpReceiver {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT; spans arrive at /v1/traces. */
  readonly endpoint: string;
  spans(traceId: string): ReceivedSpan[];
  close(): Promise<void>;
}

/**
 * A minimal OTLP/HTTP trace receiver (JSON encoding) on a free loopback port: what Jaeger or a
 * Collector would receive from the services, kept in memory for assertions.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      const body = exportRequest.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      if (!body.success) {
        response
          .writeHead(400, { 'content-type': 'application/json' })
          .end(JSON.stringify(body.error.issues));
        return;
      }
      for (const resourceSpans of body.data.resourceSpans) {
        const service = String(flatten(resourceSpans.resource.attributes)['service.name']);
        for (const { spans } of resourceSpans.scopeSpans)
          for (const span of spans)
            received.push({
              service,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              name: span.name,
              kind: kinds[span.kind] ?? 'unspecified',
              attributes: flatten(span.attributes),
            });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('receiver has no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    spans: (traceId) => received.filter((span) => span.traceId === traceId),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
