import { tracing } from '@opentelemetry/sdk-node';

/** Share of requests without a sampled caller that start a trace, unless OTEL_TRACES_SAMPLER* say otherwise. */
export const defaultSampleRatio = 0.1;

/**
 * The sampler when OTEL_TRACES_SAMPLER is not given; undefined when it is (the SDK then builds
 * the one named there). The SDK's own default, always on, made every request pay for its spans
 * and their export: a third of the gateway's CPU on GET by id. ParentBased keeps traces whole:
 * a request whose caller sampled it (traceparent flag 01) is traced end to end, one the caller
 * did not sample is not, and only requests without a caller's decision are sampled by ratio.
 * OTEL_TRACES_SAMPLER_ARG alone sets that ratio.
 */
export function defaultSampler(env: NodeJS.ProcessEnv): tracing.Sampler | undefined {
  if (env.OTEL_TRACES_SAMPLER) return undefined;
  const given = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  const ratio = given ? Number(given) : defaultSampleRatio;
  return new tracing.ParentBasedSampler({ root: new tracing.TraceIdRatioBasedSampler(ratio) });
}
