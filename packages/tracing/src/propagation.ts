import { context, propagation } from '@opentelemetry/api';

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
