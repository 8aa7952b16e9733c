import { type Span, SpanStatusCode } from '@opentelemetry/api';

/**
 * Runs `work` on behalf of every span: if it fails, each span records the error and is marked
 * failed; when it settles, each span ends. A batch is one piece of work for many messages (one
 * produce request, one handler call), so its outcome is every message's outcome.
 */
export async function endSpansAfter<T>(spans: readonly Span[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    for (const span of spans) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    }
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}
