import { once } from 'node:events';
import { createServer } from 'node:http';

/**
 * An OTLP/HTTP endpoint that accepts span exports and discards them, so the measured services
 * trace at their default (a tracer provider, the sampler, the batch exporter) without a
 * collector. With OTEL_TRACES_EXPORTER=none the SDK installs no tracer provider at all: nothing
 * is sampled or exported, and tracing would cost less than it does in `make up`.
 */
export async function startOtlpSink(): Promise<{ url: string; close(): void }> {
  // An empty ExportTraceServiceResponse is an empty protobuf message: zero bytes.
  const sink = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  sink.listen(0, '127.0.0.1');
  await once(sink, 'listening');
  const address = sink.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  sink.unref();
  return { url: `http://127.0.0.1:${port}`, close: () => sink.close() };
}
