export { describeService, readTracingEnv, type TracingEnv } from './environment.js';
export { activeTraceHeaders, activeTraceSampled } from './propagation.js';
export { defaultSampleRatio, defaultSampler } from './sampler.js';
export { shutdownTracing, startTracing, type TracingOptions } from './sdk.js';
