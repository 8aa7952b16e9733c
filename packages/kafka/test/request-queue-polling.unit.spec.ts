import { createRequire } from 'node:module';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stopIdleRequestQueuePolling } from '../src/request-queue-polling.js';

const require = createRequire(import.meta.url);
type Queue = {
  push(request: object): void;
  fulfillRequest(response: { correlationId: number; payload: unknown; size: number }): void;
  maybeThrottle(ms: number): void;
  destroy(): void;
};
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (options: object) => Queue;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

beforeAll(() => {
  expect(stopIdleRequestQueuePolling()).toBe(true);
});
afterEach(() => {
  vi.useRealTimers();
});

/** A queue of one broker connection, and the correlation ids it has put on the wire. */
function connection(maxInFlightRequests: number) {
  const queue = new RequestQueue({
    maxInFlightRequests,
    requestTimeout: 30_000,
    clientId: 't',
    broker: 'b',
    logger: silent,
  });
  const sent: number[] = [];
  const push = (correlationId: number) =>
    queue.push({
      entry: { correlationId, resolve() {}, reject() {} },
      expectResponse: true,
      sendRequest: () => sent.push(correlationId),
    });
  return { queue, sent, push };
}

describe("kafkajs's request queue, corrected", () => {
  it('keeps no timer once nothing is pending', () => {
    vi.useFakeTimers();
    const { queue, push } = connection(1);
    push(1);
    queue.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    // Stock kafkajs leaves a 1 ms timer here that reschedules itself for good.
    expect(vi.getTimerCount()).toBe(0);
    queue.destroy();
  });

  it('sends a request held by the in-flight limit once the one in flight is answered', () => {
    vi.useFakeTimers();
    const { queue, sent, push } = connection(1);
    push(1);
    push(2);
    expect(sent).toEqual([1]);
    queue.fulfillRequest({ correlationId: 1, payload: null, size: 0 });
    expect(sent).toEqual([1, 2]);
    queue.destroy();
  });

  it('sends a request held by a throttle when the throttle ends', () => {
    vi.useFakeTimers();
    const { queue, sent, push } = connection(5);
    queue.maybeThrottle(50);
    push(1);
    vi.advanceTimersByTime(49);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(11);
    expect(sent).toEqual([1]);
    queue.destroy();
  });
});
