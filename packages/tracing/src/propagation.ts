import { context, propagation, TraceFlags, trace } from '@opentelemetry/api';

/**
 * The W3C trace context of the active span as message headers (traceparent, tracestate), for
 * work that continues later outside this call stack, such as an outbox row published by the
 * relay. Empty when tracing is off.
 */
export function activeTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * Whether the active span is sampled, i.e. the current request is being traced (a caller's
 * traceparent with flag 01, or the sampler's pick). False when tracing is off.
 */
export function activeTraceSampled(): boolean {
  const span = trace.getSpan(context.active());
  return span !== undefined && (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
}
