/**
 * Whether Kafka may hold a batch whose send failed, or may take it when sent again: kafkajs gave
 * up on a lost connection, a timeout or a retriable broker error (a try may have been written and
 * its answer lost). kafkajs wraps what it gave up on, so the whole cause chain is read: its
 * producer rejects a send to a stopped broker with a KafkaJSNonRetriableError caused by the
 * KafkaJSConnectionError. False when the broker answered with a non-retriable error code (it
 * refused the batch whole) and for failures that are not kafkajs's; those callers get a 503 that
 * is true.
 */
export function sendOutcomeUnknown(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 10; depth += 1) {
    const { retriable } = cause as { retriable?: unknown };
    if (cause.name === 'KafkaJSProtocolError' && retriable === false) return false;
    if (cause.name === 'KafkaJSNumberOfRetriesExceeded') return true;
    if (cause.name.startsWith('KafkaJS') && retriable === true) return true;
    if (cause.cause === cause) break;
    cause = cause.cause;
  }
  return false;
}
