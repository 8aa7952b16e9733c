import { describe, expect, it } from 'vitest';
import { pickTraceHeaders } from '../src/index.js';

const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('pickTraceHeaders', () => {
  it('keeps traceparent and tracestate when they are strings, nothing else', () => {
    const carrier: Record<string, unknown> = { traceparent, tracestate: 'a=1', baggage: 'b=2' };
    expect(pickTraceHeaders((name) => carrier[name])).toEqual({ traceparent, tracestate: 'a=1' });
  });

  it('leaves out absent, non-string and (when bounded) too long values', () => {
    const carrier: Record<string, unknown> = {
      traceparent: Buffer.from(traceparent),
      tracestate: 'x'.repeat(513),
    };
    expect(pickTraceHeaders((name) => carrier[name], { maxLength: 512 })).toEqual({});
    expect(pickTraceHeaders(() => undefined)).toEqual({});
  });
});
