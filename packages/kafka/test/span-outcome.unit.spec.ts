import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { endSpansAfter } from '../src/span-outcome.js';

/** A span that records what it is told; only the three calls under test are used. */
function recordingSpan() {
  const calls: unknown[] = [];
  const span = {
    recordException: (error: Error) => calls.push(['exception', error.message]),
    setStatus: (status: unknown) => calls.push(['status', status]),
    end: () => calls.push(['end']),
  } as unknown as Span;
  return { span, calls };
}

describe('the spans of one batch', () => {
  it('all end with the work, unmarked, when it succeeds; its result is returned', async () => {
    const [a, b] = [recordingSpan(), recordingSpan()];
    await expect(endSpansAfter([a.span, b.span], async () => 'sent')).resolves.toBe('sent');
    expect([a.calls, b.calls]).toEqual([[['end']], [['end']]]);
  });

  it('all record the error and are marked failed before they end, and the error is rethrown', async () => {
    const [a, b] = [recordingSpan(), recordingSpan()];
    const failed = [
      ['exception', 'broker gone'],
      ['status', { code: SpanStatusCode.ERROR, message: 'broker gone' }],
      ['end'],
    ];
    await expect(
      endSpansAfter([a.span, b.span], async () => {
        throw new Error('broker gone');
      }),
    ).rejects.toThrow('broker gone');
    expect([a.calls, b.calls]).toEqual([failed, failed]);
  });
});
