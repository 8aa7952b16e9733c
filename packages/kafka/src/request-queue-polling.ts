import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** The kafkajs release whose request queue this corrects (its last, from 2023). */
const correctedVersion = '2.2.4';
/** kafkajs's own pause before it looks again at requests it could not send yet. */
const recheckMs = 10;

/**
 * kafkajs 2.2.4 keeps a 1 ms timer running for good on every broker connection once a request
 * has been answered (kafkajs issues #1556 and #1704; the fixes, #1667 and #1768, were never
 * released): `scheduleCheckPendingRequests` waits `throttledUntil - now`, negative when nothing
 * is throttled (-1), whenever nothing is pending, and the check it schedules schedules the next.
 * An idle producer spent 38 ms of CPU a second on it (4.7 ms with this), and it was 2-3 % of the
 * gateway's and the reader's busy time on the GET path (bench/results/get-path-profile.md), in
 * every connection of every service. Nothing pending means nothing to check: a request that
 * cannot go out when pushed (in-flight limit, throttle) schedules a check itself, and every
 * answered request checks again; a throttle with requests waiting is checked when it ends.
 * Applied to that release only: another one goes unchanged (and request-queue-polling.int says
 * whether it still needs this).
 */
export function stopIdleRequestQueuePolling(): boolean {
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== correctedVersion) return false;
  const queue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueue };
  queue.prototype.scheduleCheckPendingRequests = function (this: RequestQueue) {
    if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
    const throttledFor = this.throttledUntil - Date.now();
    this.throttleCheckTimeoutId = setTimeout(
      () => {
        this.throttleCheckTimeoutId = null;
        this.checkPendingRequests();
      },
      throttledFor > 0 ? throttledFor : recheckMs,
    );
  };
  return true;
}
