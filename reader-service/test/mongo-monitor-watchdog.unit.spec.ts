import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type MonitorWatchdog, watchMongoMonitor } from '../src/mongo/client-health.js';

const quietLog = { info: () => {}, warn: () => {}, error: vi.fn() };
let watchdog: MonitorWatchdog | undefined;
// The watchdog's checks run on timers the test moves, so "it did not reconnect" is said after a
// known number of checks (15 at 2 ms), however busy the machine is, not after a guessed sleep.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  watchdog?.stop();
  vi.useRealTimers();
});

/** A client's SDAM events and a clock the test moves. */
function driver() {
  const events = new EventEmitter();
  let clock = 0;
  return {
    events,
    now: () => clock,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

/** Lets the watchdog run its checks for 30 ms of timer time. */
const settle = () => vi.advanceTimersByTimeAsync(30);

describe('the MongoDB monitor watchdog', () => {
  it('leaves a client alone while its monitor keeps checking, even a server that stays down', async () => {
    const d = driver();
    const reconnect = vi.fn(async () => {});
    watchdog = watchMongoMonitor({ ...d, reconnect, log: quietLog, stallAfterMs: 1_000, checkEveryMs: 2 });
    for (let i = 0; i < 10; i++) {
      d.advance(500);
      d.events.emit('serverHeartbeatStarted', {});
      d.events.emit('serverHeartbeatFailed', { failure: new Error('connect ECONNREFUSED') });
      await settle();
    }
    expect(reconnect).not.toHaveBeenCalled();
  });

  it('opens the client again once no check has started for longer than the stall limit', async () => {
    const d = driver();
    const reconnect = vi.fn(async () => {});
    watchdog = watchMongoMonitor({ ...d, reconnect, log: quietLog, stallAfterMs: 1_000, checkEveryMs: 2 });
    d.advance(1_001);
    await vi.waitFor(() => expect(reconnect).toHaveBeenCalledTimes(1));
    expect(watchdog.reconnects()).toBe(1);
    // The new client's checks start again: no second reconnect.
    d.events.emit('serverHeartbeatStarted', {});
    await settle();
    expect(reconnect).toHaveBeenCalledTimes(1);
  });

  it('tries again after another silence when opening the client failed', async () => {
    const d = driver();
    const reconnect = vi
      .fn<() => Promise<void>>()
      .mockRejectedValueOnce(new Error('server selection timed out'))
      .mockResolvedValue();
    watchdog = watchMongoMonitor({ ...d, reconnect, log: quietLog, stallAfterMs: 1_000, checkEveryMs: 2 });
    d.advance(1_001);
    await vi.waitFor(() => expect(reconnect).toHaveBeenCalledTimes(1));
    await settle();
    expect(reconnect).toHaveBeenCalledTimes(1);
    d.advance(1_001);
    await vi.waitFor(() => expect(watchdog?.reconnects()).toBe(1));
    expect(reconnect).toHaveBeenCalledTimes(2);
  });
});
