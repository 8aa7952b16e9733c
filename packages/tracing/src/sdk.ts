import { FastifyOtelInstrumentation } from '@fastify/otel';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { nameRequestSpan } from './request-span.js';
import { defaultSampler } from './sampler.js';

export interface TracingOptions {
  readonly serviceName: string;
  readonly serviceVersion: string;
}

let sdk: NodeSDK | undefined;

/**
 * The statement a MongoDB span records: the command and its collection, not the command itself.
 * The default serialises every command whole, so a span of a bulk insert held all its documents
 * (~100 KB each in the reader's batches: 12% of what it allocated per event, and up to the export
 * queue's 2048 spans of that while a collector is away; bench/results/memory-profile.md).
 */
export const mongoStatement = (command: Record<string, unknown>): string => {
  const [name, target] = Object.entries(command)[0] ?? ['unknown', undefined];
  return typeof target === 'string' ? `${name} ${target}` : name;
};

/**
 * Starts the OpenTelemetry SDK. The exporter, sampler and batching come from the standard OTEL_*
 * environment variables (OTLP over HTTP/protobuf to localhost:4318 unless told otherwise), so
 * the same image runs against Jaeger, an OpenTelemetry Collector or nothing at all. Without
 * OTEL_TRACES_SAMPLER the sampler is parent-based, at most TRACES_PER_SECOND (10) new traces a
 * second (sampler.ts).
 *
 * Database and cache spans require a parent: the outbox relay polls PostgreSQL twice a second
 * and the consumers keep connections busy; without a request or a message behind them those
 * queries would each become a one-span trace.
 */
export function startTracing(options: TracingOptions): void {
  if (sdk) return;
  // The instrumentations still emit the pre-1.0 HTTP and database attribute names unless told
  // otherwise; the stable names are what current backends and dashboards expect.
  process.env.OTEL_SEMCONV_STABILITY_OPT_IN ??= 'http,database';
  const sampler = defaultSampler(process.env);
  sdk = new NodeSDK({
    ...(sampler && { sampler }),
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, when set, win over these.
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        [ATTR_SERVICE_VERSION]: options.serviceVersion,
      }),
    ),
    instrumentations: [
      // No HTTP instrumentation: it cost the gateway more CPU per request than all the rest of
      // tracing together (bench/results/get-path-profile.md), and the only HTTP the services
      // serve besides Fastify is probes and scrapes, which should not be traced anyway. Without
      // it, @fastify/otel's request span is the SERVER span and continues the caller's
      // traceparent itself.
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        requestHook: nameRequestSpan,
        // One span per lifecycle hook (eight per request) costs more than it tells.
        instrumentHooks: false,
        ignorePaths: (route) => route.url.startsWith('/swagger'),
      }),
      new GrpcInstrumentation({ ignoreGrpcMethods: ['Check', 'Watch'] }),
      // No kafkajs instrumentation: packages/kafka makes every Kafka span itself (a "send" span
      // per message, child of the context the message carries; a "process" span per message in
      // the batch runner). The instrumentation's own spans duplicated those, started a trace of
      // its own for every fetch and put the batch's database calls under it, each traced on a
      // span nothing records: 18 % of the writer's busy time and as much of the reader's at
      // 1000 creates/s (bench/results/command-path-profile.md).
      new PgInstrumentation({ requireParentSpan: true }),
      new MongoDBInstrumentation({ requireParentSpan: true, dbStatementSerializer: mongoStatement }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      // Logs stay JSON lines on stdout, now with trace_id and span_id; shipping them is the
      // platform's job, not an OTLP exporter's.
      new PinoInstrumentation({ disableLogSending: true }),
    ],
    logRecordProcessors: [],
    // Metrics are prom-client's on each service's /metrics (scraped by Prometheus). Left to its
    // defaults, the SDK would also push OTLP metrics every minute and flush them at shutdown.
    metricReaders: [],
  });
  sdk.start();
}

/**
 * Flushes the spans still buffered; the last thing a service does before exiting. Bounded: with
 * no collector listening, the exporter retries until its own 10 s timeout, which would make
 * every shutdown (and every `make down`) wait for spans nobody will receive.
 */
export async function shutdownTracing(timeoutMs = 2_000): Promise<void> {
  const running = sdk;
  sdk = undefined;
  if (!running) return;
  let timer: NodeJS.Timeout | undefined;
  const givingUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([running.shutdown(), givingUp]);
  clearTimeout(timer);
}
