import { tracing } from '@opentelemetry/sdk-node';

/** New traces a second at most, per process, unless TRACES_PER_SECOND or OTEL_TRACES_SAMPLER say otherwise. */
export const defaultTracesPerSecond = 10;

/**
 * The sampler when OTEL_TRACES_SAMPLER is not given; undefined when it is (the SDK then builds
 * the one named there, with OTEL_TRACES_SAMPLER_ARG). ParentBased keeps traces whole: a request
 * whose caller sampled it (traceparent flag 01) is traced end to end, one the caller did not
 * sample is not, and only requests without a caller's decision are decided here, by rate.
 *
 * Why a rate and not a ratio (Jaeger's "ratelimiting" sampler, X-Ray's reservoir): every request
 * of a developer trying the API is traced, and a load of 10k requests a second costs no more
 * tracing than one of 10. A ratio does neither: at 0.1 most single requests are missing in
 * Jaeger, and under load every tenth GET paid for its spans, their export and a gRPC call of its
 * own, a fifth of the GET path's CPU (bench/results/get-path-profile.md). Always-on cost a third.
 */
export function defaultSampler(env: NodeJS.ProcessEnv): tracing.Sampler | undefined {
  if (env.OTEL_TRACES_SAMPLER) return undefined;
  const given = env.TRACES_PER_SECOND?.trim();
  const perSecond = given ? Number(given) : defaultTracesPerSecond;
  return new tracing.ParentBasedSampler({ root: rateLimitedSampler(perSecond) });
}

/**
 * Samples at most `perSecond` traces a second: a token bucket holding one second's worth (at
 * least one, unless the rate is 0), so a burst after a quiet spell is traced up to that many and
 * then thinned out.
 */
export function rateLimitedSampler(
  perSecond: number,
  nowMs: () => number = performance.now.bind(performance),
) {
  const capacity = perSecond > 0 ? Math.max(1, perSecond) : 0;
  let tokens = capacity;
  let last = nowMs();
  const sampler: tracing.Sampler = {
    shouldSample: () => {
      const now = nowMs();
      tokens = Math.min(capacity, tokens + ((now - last) / 1000) * perSecond);
      last = now;
      if (tokens < 1) return { decision: tracing.SamplingDecision.NOT_RECORD };
      tokens -= 1;
      return { decision: tracing.SamplingDecision.RECORD_AND_SAMPLED };
    },
    toString: () => `RateLimitedSampler{${perSecond}/s}`,
  };
  return sampler;
}
