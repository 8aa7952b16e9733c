/** W3C trace context headers that travel from a request or command to the events it causes. */
export const traceHeaderNames = ['traceparent', 'tracestate'] as const;
export type TraceHeaderName = (typeof traceHeaderNames)[number];

export interface TraceHeaderOptions {
  /**
   * Values longer than this are dropped. Where a caller's context is stored on a command, the
   * bound keeps a client from making every message of the pipeline large (W3C asks propagators
   * to carry 512 characters of tracestate).
   */
  readonly maxLength?: number;
}

/**
 * The W3C trace context found in a carrier (HTTP headers, gRPC metadata, Kafka headers), each
 * read with `get`; values that are not strings (absent, binary, repeated) are left out.
 */
export function pickTraceHeaders(
  get: (name: TraceHeaderName) => unknown,
  { maxLength = Number.POSITIVE_INFINITY }: TraceHeaderOptions = {},
): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of traceHeaderNames) {
    const value = get(name);
    if (typeof value === 'string' && value.length <= maxLength) picked[name] = value;
  }
  return picked;
}
