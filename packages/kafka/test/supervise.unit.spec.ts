import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsumerRunner } from '../src/consumer-types.js';
import { superviseConsumer } from '../src/supervise.js';

const silent = { error() {}, warn() {}, info() {}, debug() {} };
const fastRestart = { initialMs: 1, maxMs: 5 };

// The supervisor's health checks, backoff and timeouts run on timers the test moves, so "nothing
// happened" and "it happened in time" are said after a known amount of timer time, however busy
// the machine is, and without sleeping.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A runner whose consumer can be made to crash the way kafkajs reports it. */
function fakeRunner() {
  const emitter = new EventEmitter();
  const consumer = Object.assign(emitter, { events: { CRASH: 'consumer.crash' } });
  const runner = {
    consumer,
    stopped: false,
    stalled: undefined as string | undefined,
    health: () => ({
      member: runner.stalled === undefined,
      assignedPartitions: 1,
      lastProgressAt: Date.now(),
      lastCommitAt: undefined,
      stalled: runner.stalled,
    }),
    stop: async () => {
      runner.stopped = true;
    },
    crash: (restart: boolean) =>
      emitter.emit('consumer.crash', { payload: { error: new Error('boom'), restart } }),
  };
  return runner;
}
type FakeRunner = ReturnType<typeof fakeRunner>;

async function supervised(
  failFirstStarts = 0,
  extra: { stopTimeoutMs?: number; startTimeoutMs?: number; hangingStarts?: number } = {},
) {
  const started: FakeRunner[] = [];
  const restarts: string[] = [];
  const late: FakeRunner[] = [];
  let failures = failFirstStarts;
  let hanging = extra.hangingStarts ?? 0;
  const runner = await superviseConsumer(
    async () => {
      if (started.length > 0 && hanging-- > 0) {
        // Starts at last, long after the supervisor gave up on it.
        await new Promise((r) => setTimeout(r, 80));
        const straggler = fakeRunner();
        late.push(straggler);
        return straggler as unknown as ConsumerRunner;
      }
      if (started.length > 0 && failures-- > 0) throw new Error('broker still away');
      const next = fakeRunner();
      started.push(next);
      return next as unknown as ConsumerRunner;
    },
    silent,
    { restartDelay: fastRestart, checkIntervalMs: 5, onRestart: (reason) => restarts.push(reason), ...extra },
  );
  return { runner, started, restarts, late };
}

/** Moves the timers 5 ms at a time, for at most 1 s of timer time, until the condition holds. */
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await vi.advanceTimersByTimeAsync(5);
  expect(condition()).toBe(true);
};

describe('consumer supervision', () => {
  it('leaves a crash that kafkajs restarts by itself alone', async () => {
    const { runner, started } = await supervised();
    started[0]?.crash(true);
    await vi.advanceTimersByTimeAsync(30);
    expect(started).toHaveLength(1);
    expect(started[0]?.stopped).toBe(false);
    await runner.stop();
  });

  it('replaces a consumer that crashed for good, retrying while the new one cannot start', async () => {
    const { runner, started } = await supervised(2);
    const first = started[0];
    first?.crash(false);
    await until(() => started.length === 2);
    expect(first?.stopped).toBe(true);
    expect(runner.consumer).toBe(started[1]?.consumer);

    await runner.stop();
    expect(started[1]?.stopped).toBe(true);
  });

  it('replaces a consumer whose health says it stalled, though kafkajs reported no crash', async () => {
    const { runner, started, restarts } = await supervised();
    const first = started[0] as FakeRunner;
    first.stalled = 'not a group member for 31000 ms';

    await until(() => started.length === 2);
    expect(first.stopped).toBe(true);
    expect(restarts).toEqual(['not a group member for 31000 ms']);
    expect(runner.health().stalled).toBeUndefined();
    await runner.stop();
  });

  it('does not start a new consumer once it is stopping', async () => {
    const { runner, started } = await supervised();
    await runner.stop();
    started[0]?.crash(false);
    await vi.advanceTimersByTimeAsync(30);
    expect(started).toHaveLength(1);
  });

  it('gives up on a replacement that does not start in time, starts another, and stops the straggler', async () => {
    const { runner, started, late } = await supervised(0, { startTimeoutMs: 20, hangingStarts: 1 });
    (started[0] as FakeRunner).stalled = 'not a member for 31000 ms';
    // Seen stalled at the first check (5 ms), the replacement's start begins 1 ms later and hangs:
    // until its 20 ms are up, nothing else is started and the consumer is still reported stalled.
    await vi.advanceTimersByTimeAsync(25);
    expect(started).toHaveLength(1);
    expect(runner.health().stalled).toBe('not a member for 31000 ms');
    await until(() => started.length === 2);
    expect(runner.consumer).toBe(started[1]?.consumer);
    expect(runner.health().stalled).toBeUndefined();
    // The hung start completes after all: it is stopped, not left consuming beside the new one.
    await until(() => late.length === 1 && late[0]?.stopped === true);
    await runner.stop();
  });

  it('replaces a stalled consumer whose stop never returns, after the stop timeout', async () => {
    const { runner, started } = await supervised(0, { stopTimeoutMs: 20 });
    const first = started[0] as FakeRunner;
    first.stop = () => new Promise(() => {});
    first.stalled = 'no fetch for 31000 ms';
    // Seen stalled at the first check (5 ms): its replacement waits out the 20 ms stop timeout.
    await vi.advanceTimersByTimeAsync(24);
    expect(started).toHaveLength(1);
    await until(() => started.length === 2);
    expect(runner.consumer).toBe(started[1]?.consumer);
    expect(runner.health().stalled).toBeUndefined();
    await runner.stop();
  });
});
