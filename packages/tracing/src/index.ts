export { describeService, readTracingEnv, type TracingEnv } from './environment.js';
export { activeTraceHeaders, activeTraceSampled } from './propagation.js';
export { defaultSampler, defaultTracesPerSecond, rateLimitedSampler } from './sampler.js';
export { shutdownTracing, startTracing, type TracingOptions } from './sdk.js';
export {
  pickTraceHeaders,
  type TraceHeaderName,
  type TraceHeaderOptions,
  traceHeaderNames,
} from './trace-headers.js';
