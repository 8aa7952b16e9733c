import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { productTopics } from '@cqrs-products/contracts';
import { createKafka, ensureTopics } from '@cqrs-products/kafka';
import { createLogger } from '@cqrs-products/logger';
import {
  type Collector,
  collectMessages,
  eventually,
  freePort,
  type ServiceProcess,
  startServiceProcess,
  testEndpoints,
  uniqueName,
  untilCollectedToEnd,
} from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../tracing/support/otlp-receiver.js';

const serviceDir = fileURLToPath(new URL('../../../api-gateway/', import.meta.url));
const log = createLogger({ service: 'api-gateway-test', level: 'silent' });
const kafka = createKafka({ brokers: testEndpoints().kafkaBrokers, clientId: 'gateway-tracing-test' }, log);
const prefix = `${uniqueName('gwt')}_`;
const topics = productTopics(prefix).commands;
let receiver: OtlpReceiver;
let gateway: ServiceProcess;
let collector: Collector;
let apiUrl: string;
let metricsUrl: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  await ensureTopics(kafka, Object.values(topics), { partitions: 3, replicationFactor: 1 });
  collector = await collectMessages(kafka, [topics.create], { groupPrefix: 'gwt_test' });
  const [http, probes, metrics] = [await freePort(), await freePort(), await freePort()];
  apiUrl = `http://127.0.0.1:${http}/api/v1`;
  metricsUrl = `http://127.0.0.1:${metrics}/metrics`;
  gateway = await startServiceProcess(
    serviceDir,
    {
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      HTTP_PORT: String(http),
      PROBES_PORT: String(probes),
      METRICS_PORT: String(metrics),
      KAFKA_BROKERS: testEndpoints().kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      // Queries are not used here; nothing listens on this address.
      READER_SERVICE_ADDR: '127.0.0.1:9',
      // Long enough that requests sent together are sure to share a produce request.
      KAFKA_PRODUCER_LINGER_MS: '100',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
    `http://127.0.0.1:${probes}/ready`,
  );
});
afterAll(async () => {
  await gateway?.stop();
  await collector?.stop();
  await receiver?.close();
});

const ancestorsOf = (spans: readonly ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] => {
  const parent = spans.find((s) => s.spanId === span.parentSpanId);
  return parent ? [parent, ...ancestorsOf(spans, parent)] : [];
};

const batchesSent = async () => {
  const text = await fetch(metricsUrl).then((r) => r.text());
  return Number(/^kafka_producer_batch_messages_count\{[^}]*\} (\d+)$/m.exec(text)?.[1] ?? Number.NaN);
};

describe('commands sent in one batch keep their own traces', () => {
  it("each command carries a traceparent of its own producer span, a child of its request's span", async () => {
    const callers = Array.from({ length: 5 }, () => {
      const traceId = randomBytes(16).toString('hex');
      const spanId = randomBytes(8).toString('hex');
      return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
    });

    const productIds = await Promise.all(
      callers.map(async ({ traceparent }, i) => {
        const response = await fetch(`${apiUrl}/products`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', traceparent },
          body: JSON.stringify({ name: `Traced ${i}`, description: 'Batched', price: i }),
        });
        expect(response.status).toBe(201);
        return ((await response.json()) as { productId: string }).productId;
      }),
    );

    // Otherwise this would not test batching at all.
    expect(await batchesSent()).toBeLessThan(callers.length);
    // Each 201 came after Kafka acknowledged its command, so the topic's end covers them all.
    await untilCollectedToEnd(kafka, collector.messages, [topics.create]);
    expect(collector.messages.map((m) => m.key).sort()).toEqual([...productIds].sort());
    for (const [i, caller] of callers.entries()) {
      const spans = await eventually(
        () => receiver.spans(caller.traceId),
        (s) => s.some((span) => span.kind === 'producer') && s.some((span) => span.kind === 'server'),
        { what: `the spans of request ${i}`, intervalMs: 100 },
      );
      const server = spans.find((s) => s.kind === 'server') as ReceivedSpan;
      expect(server.parentSpanId).toBe(caller.spanId);
      const sends = spans.filter((s) => s.kind === 'producer');
      expect(sends.map((s) => s.name)).toEqual([`send ${topics.create}`]);
      const send = sends[0] as ReceivedSpan;
      expect(ancestorsOf(spans, send)).toContain(server);
      expect(send.attributes['messaging.kafka.message.key']).toBe(productIds[i]);

      const message = collector.messages.find((m) => m.key === productIds[i]);
      expect(message?.headers.traceparent).toBe(`00-${caller.traceId}-${send.spanId}-01`);
    }
  });
});
