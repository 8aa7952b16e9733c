export { describeService, readTracingEnv, type TracingEnv } from './environment.js';
export { activeTraceHeaders } from './propagation.js';
export { shutdownTracing, startTracing, type TracingOptions } from './sdk.js';
