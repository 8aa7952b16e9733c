import { AppError } from '@cqrs-products/errors';
import { createRegistry } from '@cqrs-products/metrics';
import { describe, expect, it } from 'vitest';
import { fallbackMetrics } from '../src/metrics.js';
import { createReadFallback } from '../src/read-fallback.js';

const hold = () => {
  let release = () => {};
  const released = new Promise<string>((resolve) => {
    release = () => resolve('read');
  });
  return { released, release };
};
const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'answered';
  } catch (error) {
    return error instanceof AppError ? error.code : String(error);
  }
};
const failing = () => Promise.reject(new Error('mongo down'));

describe('the MongoDB fallback of queries', () => {
  it('runs at most maxConcurrent reads at a time and refuses the others at once', async () => {
    const fallback = createReadFallback({ maxConcurrent: 2, failureThreshold: 5, openMs: 1_000 });
    const reads = [hold(), hold()];
    const running = reads.map((r) => fallback.run(() => r.released));

    expect(await codeOf(fallback.run(() => Promise.resolve('third')))).toBe('READ_MODEL_UNAVAILABLE');
    for (const r of reads) r.release();
    expect(await Promise.all(running)).toEqual(['read', 'read']);
    expect(await fallback.run(() => Promise.resolve('after'))).toBe('after');
  });

  it('opens after consecutive failures, refuses while open, and closes after a successful trial', async () => {
    let clock = 0;
    const registry = createRegistry('test');
    const metrics = fallbackMetrics(registry);
    const fallback = createReadFallback({
      maxConcurrent: 4,
      failureThreshold: 3,
      openMs: 1_000,
      metrics,
      now: () => clock,
    });
    const state = async () => (await metrics.breakerState.get()).values[0]?.value;

    for (let i = 0; i < 2; i++) expect(await codeOf(fallback.run(failing))).toBe('READ_MODEL_UNAVAILABLE');
    expect(fallback.state()).toBe('closed');
    await codeOf(fallback.run(failing));
    expect(fallback.state()).toBe('open');
    expect(await state()).toBe(2);

    let called = false;
    const refused = fallback.run(async () => {
      called = true;
    });
    expect(await codeOf(refused)).toBe('READ_MODEL_UNAVAILABLE');
    expect(called).toBe(false);

    clock = 1_000;
    const trial = hold();
    const trialRead = fallback.run(() => trial.released);
    expect(fallback.state()).toBe('half-open');
    expect(await state()).toBe(1);
    // One trial at a time: the others keep being refused until it has answered.
    expect(await codeOf(fallback.run(() => Promise.resolve('x')))).toBe('READ_MODEL_UNAVAILABLE');
    trial.release();
    await trialRead;
    expect(fallback.state()).toBe('closed');
    expect(await state()).toBe(0);
  });

  it('opens again at once when the trial read fails', async () => {
    let clock = 0;
    const fallback = createReadFallback({
      maxConcurrent: 4,
      failureThreshold: 1,
      openMs: 500,
      now: () => clock,
    });
    await codeOf(fallback.run(failing));
    clock = 500;
    await codeOf(fallback.run(failing));
    expect(fallback.state()).toBe('open');
    clock = 999;
    expect(await codeOf(fallback.run(() => Promise.resolve('x')))).toBe('READ_MODEL_UNAVAILABLE');
    clock = 1_000;
    expect(await codeOf(fallback.run(() => Promise.resolve('x')))).toBe('answered');
  });

  it('counts a success between failures as a reset', async () => {
    const fallback = createReadFallback({ maxConcurrent: 4, failureThreshold: 2, openMs: 1_000 });
    await codeOf(fallback.run(failing));
    await fallback.run(() => Promise.resolve('ok'));
    await codeOf(fallback.run(failing));
    expect(fallback.state()).toBe('closed');
  });
});
