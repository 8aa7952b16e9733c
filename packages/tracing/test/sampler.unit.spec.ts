import { randomBytes } from 'node:crypto';
import { context, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import { describe, expect, it } from 'vitest';
import { defaultSampleRatio, defaultSampler } from '../src/sampler.js';

const traceId = () => randomBytes(16).toString('hex');
/** A context whose parent span came from a caller's traceparent with the given sampled flag. */
const fromCaller = (sampled: boolean) =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: traceId(),
    spanId: randomBytes(8).toString('hex'),
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
const decide = (sampler: tracing.Sampler, parent = context.active(), id = traceId()) =>
  sampler.shouldSample(parent, id, 'GET /api/v1/products/:id', SpanKind.SERVER, {}, []).decision;
const sampledShare = (sampler: tracing.Sampler, n = 20_000) => {
  let sampled = 0;
  for (let i = 0; i < n; i++)
    if (decide(sampler, ROOT_CONTEXT) === tracing.SamplingDecision.RECORD_AND_SAMPLED) sampled++;
  return sampled / n;
};

describe('the default sampler (no OTEL_TRACES_SAMPLER)', () => {
  const sampler = defaultSampler({}) as tracing.Sampler;

  it('traces every request its caller sampled, so e2e traces stay whole', () => {
    for (let i = 0; i < 100; i++)
      expect(decide(sampler, fromCaller(true))).toBe(tracing.SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('traces no request its caller decided not to sample', () => {
    for (let i = 0; i < 100; i++)
      expect(decide(sampler, fromCaller(false))).toBe(tracing.SamplingDecision.NOT_RECORD);
  });

  it(`starts a trace for about ${defaultSampleRatio * 100}% of the requests without a caller's decision`, () => {
    expect(defaultSampleRatio).toBe(0.1);
    expect(sampledShare(sampler)).toBeGreaterThan(0.08);
    expect(sampledShare(sampler)).toBeLessThan(0.12);
  });

  it('takes its ratio from OTEL_TRACES_SAMPLER_ARG when only that is given', () => {
    expect(sampledShare(defaultSampler({ OTEL_TRACES_SAMPLER_ARG: '0' }) as tracing.Sampler)).toBe(0);
    expect(sampledShare(defaultSampler({ OTEL_TRACES_SAMPLER_ARG: '1' }) as tracing.Sampler)).toBe(1);
    const half = sampledShare(defaultSampler({ OTEL_TRACES_SAMPLER_ARG: '0.5' }) as tracing.Sampler);
    expect(half).toBeGreaterThan(0.45);
    expect(half).toBeLessThan(0.55);
  });
});

describe('an explicit OTEL_TRACES_SAMPLER', () => {
  it('is left to the SDK, with its own OTEL_TRACES_SAMPLER_ARG meaning', () => {
    expect(defaultSampler({ OTEL_TRACES_SAMPLER: 'always_on' })).toBeUndefined();
    expect(
      defaultSampler({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' }),
    ).toBeUndefined();
  });
});
