import { randomBytes } from 'node:crypto';
import { context, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { tracing } from '@opentelemetry/sdk-node';
import { describe, expect, it } from 'vitest';
import { defaultSampler, defaultTracesPerSecond, rateLimitedSampler } from '../src/sampler.js';

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

  /** Sampled decisions of 20000 without a caller, and the most a bucket could allow in the time taken. */
  const burst = (env: NodeJS.ProcessEnv, perSecond: number) => {
    const sampler = defaultSampler(env) as tracing.Sampler;
    const started = performance.now();
    const sampled = sampledShare(sampler) * 20_000;
    const allowed = perSecond + ((performance.now() - started) / 1000) * perSecond + 1;
    return { sampled, allowed };
  };

  it(`starts at most ${defaultTracesPerSecond} traces a second for requests without a caller's decision`, () => {
    expect(defaultTracesPerSecond).toBe(10);
    // A burst of 20000: the bucket's ten, and what it refilled while they were decided.
    const { sampled, allowed } = burst({}, 10);
    expect(sampled).toBeGreaterThanOrEqual(10);
    expect(sampled).toBeLessThanOrEqual(allowed);
    expect(sampled).toBeLessThan(100);
  });

  it('takes its rate from TRACES_PER_SECOND; 0 starts no trace of its own', () => {
    expect(sampledShare(defaultSampler({ TRACES_PER_SECOND: '0' }) as tracing.Sampler)).toBe(0);
    const { sampled, allowed } = burst({ TRACES_PER_SECOND: '100' }, 100);
    expect(sampled).toBeGreaterThanOrEqual(100);
    expect(sampled).toBeLessThanOrEqual(allowed);
  });
});

describe('the rate limit (a token bucket of one second)', () => {
  const clock = () => {
    let now = 0;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };
  const sampled = (sampler: tracing.Sampler, n: number) =>
    Array.from({ length: n }, () => decide(sampler, ROOT_CONTEXT)).filter(
      (d) => d === tracing.SamplingDecision.RECORD_AND_SAMPLED,
    ).length;

  it('traces every request while they come slower than the rate (a developer trying the API)', () => {
    const time = clock();
    const sampler = rateLimitedSampler(10, time.now);
    for (let i = 0; i < 50; i++) {
      expect(sampled(sampler, 1)).toBe(1);
      time.advance(200);
    }
  });

  it('under a steady load samples the rate, not a share of the load', () => {
    const time = clock();
    const sampler = rateLimitedSampler(10, time.now);
    let total = 0;
    // 5000 requests a second for 10 s, one every 0.2 ms.
    for (let i = 0; i < 50_000; i++) {
      total += sampled(sampler, 1);
      time.advance(0.2);
    }
    // The first second's burst of ten, then ten a second.
    expect(total).toBeGreaterThanOrEqual(100);
    expect(total).toBeLessThanOrEqual(111);
  });

  it('refills after a quiet spell up to one second of traces, never more', () => {
    const time = clock();
    const sampler = rateLimitedSampler(10, time.now);
    expect(sampled(sampler, 50)).toBe(10);
    time.advance(60_000);
    expect(sampled(sampler, 50)).toBe(10);
    time.advance(250);
    expect(sampled(sampler, 50)).toBe(2);
  });

  it('with less than one a second, still traces one now and then', () => {
    const time = clock();
    const sampler = rateLimitedSampler(0.5, time.now);
    expect(sampled(sampler, 5)).toBe(1);
    time.advance(1_000);
    expect(sampled(sampler, 5)).toBe(0);
    time.advance(1_000);
    expect(sampled(sampler, 5)).toBe(1);
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
