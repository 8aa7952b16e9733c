import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BatcherOptions, BatcherRefusedError, createBatcher } from '../src/kafka/command-batcher.js';

/** A fake `send` whose batches the test acknowledges or fails one at a time. */
function fakeSend() {
  const batches: number[][] = [];
  const pending: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const send = (batch: readonly number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push([...batch]);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const done = (outcome: () => void) => () => {
        inFlight -= 1;
        outcome();
      };
      pending.push({ resolve: done(resolve), reject: (error) => done(() => reject(error))() });
    });
  const next = () => {
    const first = pending.shift();
    if (!first) throw new Error('no batch in flight');
    return first;
  };
  return {
    send,
    batches,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    ack: () => next().resolve(),
    fail: (error: unknown) => next().reject(error),
  };
}

const batcherWith = (fake: ReturnType<typeof fakeSend>, limits: Partial<BatcherOptions<number>> = {}) =>
  createBatcher<number>({ lingerMs: 1_000, maxBatch: 100, maxQueued: 1_000, send: fake.send, ...limits });

/** Lets promise callbacks run (fake timers do not hold microtasks back). */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('command batcher', () => {
  it('cuts a batch as soon as it holds maxBatch items, without waiting for the linger', async () => {
    const fake = fakeSend();
    const batcher = batcherWith(fake, { maxBatch: 3 });

    const first = [1, 2, 3].map((n) => batcher.submit(n));
    expect(fake.batches).toEqual([[1, 2, 3]]);

    // Five more arrive while that batch flies: the next batch is full when it is acked.
    const more = [4, 5, 6, 7, 8].map((n) => batcher.submit(n));
    expect(batcher.queued).toBe(5);
    fake.ack();
    await Promise.all(first);
    expect(fake.batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    // The rest waited through a whole batch already: it goes as soon as that one is acked.
    fake.ack();
    await Promise.all(more.slice(0, 3));
    expect(fake.batches.at(-1)).toEqual([7, 8]);
    fake.ack();
    await Promise.all(more);
  });

  it('sends a batch that is not full once its oldest item has lingered lingerMs', async () => {
    const fake = fakeSend();
    const batcher = batcherWith(fake, { lingerMs: 5 });

    void batcher.submit(1);
    await vi.advanceTimersByTimeAsync(3);
    void batcher.submit(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.batches).toEqual([]);

    await vi.advanceTimersByTimeAsync(1);
    expect(fake.batches).toEqual([[1, 2]]);
  });

  it('keeps one send in flight: items arriving meanwhile gather and go together after the ack', async () => {
    const fake = fakeSend();
    const batcher = batcherWith(fake, { lingerMs: 2 });

    const first = batcher.submit(1);
    await vi.advanceTimersByTimeAsync(2);
    const later = [2, 3, 4].map((n) => batcher.submit(n));
    await vi.advanceTimersByTimeAsync(10);
    expect(fake.batches).toEqual([[1]]);

    fake.ack();
    await first;
    expect(fake.batches).toEqual([[1], [2, 3, 4]]);
    fake.ack();
    await Promise.all(later);
    expect(fake.maxInFlight()).toBe(1);
  });

  it('sends every item once, in submission order, across batches', async () => {
    const fake = fakeSend();
    const batcher = batcherWith(fake, { maxBatch: 4, lingerMs: 1 });
    const items = Array.from({ length: 23 }, (_, i) => i);

    const outcomes = items.map((n) => batcher.submit(n));
    let done = 0;
    for (const outcome of outcomes) void outcome.then(() => (done += 1));
    for (let round = 0; round < 100 && done < items.length; round += 1) {
      await vi.advanceTimersByTimeAsync(1);
      if (fake.inFlight() > 0) fake.ack();
    }
    await Promise.all(outcomes);

    expect(fake.batches.flat()).toEqual(items);
    expect(fake.batches.every((batch) => batch.length <= 4)).toBe(true);
    expect(fake.maxInFlight()).toBe(1);
  });

  it('gives each caller the outcome of its own batch', async () => {
    const fake = fakeSend();
    const batcher = batcherWith(fake, { maxBatch: 2 });
    const failure = new Error('broker gone');

    const [a, b, c] = [1, 2, 3].map((n) => batcher.submit(n)) as [
      Promise<void>,
      Promise<void>,
      Promise<void>,
    ];
    fake.fail(failure);
    await expect(a).rejects.toBe(failure);
    await expect(b).rejects.toBe(failure);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.batches).toEqual([[1, 2], [3]]);
    fake.ack();
    await expect(c).resolves.toBeUndefined();
  });

  it('rejects a caller when send throws before returning a promise', async () => {
    const batcher = createBatcher<number>({
      lingerMs: 0,
      maxBatch: 1,
      maxQueued: 10,
      send: () => {
        throw new Error('cannot encode');
      },
    });
    await expect(batcher.submit(1)).rejects.toThrow('cannot encode');
  });

  it('refuses an item at once when maxQueued items wait, and takes items again once a batch leaves', async () => {
    const fake = fakeSend();
    const refused: string[] = [];
    const batcher = batcherWith(fake, { maxQueued: 2, onRefused: (reason) => refused.push(reason) });

    void batcher.submit(1);
    void batcher.submit(2);
    const third = batcher.submit(3);

    await expect(third).rejects.toBeInstanceOf(BatcherRefusedError);
    await expect(third).rejects.toMatchObject({ reason: 'queue_full' });
    expect(refused).toEqual(['queue_full']);
    expect(batcher.queued).toBe(2);
    expect(fake.batches).toEqual([]);

    // The batch in flight no longer counts against the queue.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.batches).toEqual([[1, 2]]);
    void batcher.submit(4);
    expect(batcher.queued).toBe(1);
  });

  it('cuts by bytes as well, and sends an item heavier than the limit alone', async () => {
    const fake = fakeSend();
    const batcher = batcherWith(fake, { maxBatchBytes: 10, weigh: (n) => n, lingerMs: 0 });

    const outcomes = [4, 5, 3, 30, 2].map((n) => batcher.submit(n));
    for (let i = 0; i < 4; i += 1) {
      await settle();
      fake.ack();
    }
    await Promise.all(outcomes);
    expect(fake.batches).toEqual([[4, 5], [3], [30], [2]]);
  });

  it('reports batch sizes and the queue length as they change', async () => {
    const fake = fakeSend();
    const sizes: number[] = [];
    const queued: number[] = [];
    const batcher = batcherWith(fake, {
      maxBatch: 2,
      onBatch: (size) => sizes.push(size),
      onQueued: (count) => queued.push(count),
    });

    for (const n of [1, 2, 3]) void batcher.submit(n);
    expect(sizes).toEqual([2]);
    expect(queued).toEqual([1, 2, 0, 1]);
  });

  it('on stop sends what is queued without lingering, resolves after the ack and refuses new items', async () => {
    const fake = fakeSend();
    const batcher = batcherWith(fake, { maxBatch: 2 });

    const queued = [1, 2, 3].map((n) => batcher.submit(n));
    let stopped = false;
    const stopping = batcher.stop().then(() => {
      stopped = true;
    });

    await expect(batcher.submit(4)).rejects.toMatchObject({ reason: 'stopping' });
    fake.ack();
    await settle();
    expect(fake.batches).toEqual([[1, 2], [3]]);
    expect(stopped).toBe(false);
    fake.ack();
    await stopping;
    await Promise.all(queued);
    expect(fake.batches.flat()).toEqual([1, 2, 3]);
  });

  it('while a send stalls past stalledAfterMs, refuses what queued behind it and anything new; the batch in flight keeps its answer', async () => {
    const fake = fakeSend();
    const refused: string[] = [];
    const batcher = batcherWith(fake, {
      lingerMs: 0,
      stalledAfterMs: 1_000,
      onRefused: (reason) => refused.push(reason),
    });

    const inFlight = batcher.submit(1);
    await settle();
    const behind = [2, 3].map((n) => batcher.submit(n).catch((error: unknown) => error));
    await vi.advanceTimersByTimeAsync(999);
    expect(batcher.queued).toBe(2);

    await vi.advanceTimersByTimeAsync(1);
    expect(batcher.queued).toBe(0);
    for (const error of await Promise.all(behind)) {
      expect(error).toBeInstanceOf(BatcherRefusedError);
      expect(error).toMatchObject({ reason: 'unavailable' });
    }
    await expect(batcher.submit(4)).rejects.toMatchObject({ reason: 'unavailable' });
    expect(refused).toEqual(['unavailable', 'unavailable', 'unavailable']);

    // Items refused were never sent; the one in flight is settled by its own answer.
    fake.ack();
    await expect(inFlight).resolves.toBeUndefined();
    expect(fake.batches).toEqual([[1]]);
    const after = batcher.submit(5);
    await settle();
    fake.ack();
    await expect(after).resolves.toBeUndefined();
    expect(fake.batches).toEqual([[1], [5]]);
  });

  it('takes items again once a stalled send fails for good', async () => {
    const fake = fakeSend();
    const failure = new Error('refused');
    const batcher = batcherWith(fake, { lingerMs: 0, stalledAfterMs: 1_000 });

    const stalled = batcher.submit(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(batcher.submit(2)).rejects.toMatchObject({ reason: 'unavailable' });
    fake.fail(failure);
    await expect(stalled).rejects.toBe(failure);

    const next = batcher.submit(3);
    await settle();
    fake.ack();
    await expect(next).resolves.toBeUndefined();
    expect(fake.batches).toEqual([[1], [3]]);
  });

  it('sends a batch again, the same items, after a failure resendAfter accepts, until it is acknowledged', async () => {
    const fake = fakeSend();
    const unknown = new Error('no answer');
    const resent: number[] = [];
    const batcher = batcherWith(fake, {
      lingerMs: 0,
      resendAfter: (error) => error === unknown,
      resendDelayMs: 500,
      onResend: (_, size) => resent.push(size),
    });

    const [a, b] = [1, 2].map((n) => batcher.submit(n)) as [Promise<void>, Promise<void>];
    let answered = false;
    void Promise.allSettled([a, b]).then(() => (answered = true));
    await settle();
    fake.fail(unknown);
    await settle();
    // Its callers are not told "nothing was changed": the target may hold the batch.
    expect(answered).toBe(false);
    await expect(batcher.submit(3)).rejects.toMatchObject({ reason: 'unavailable' });

    await vi.advanceTimersByTimeAsync(500);
    fake.fail(unknown);
    await vi.advanceTimersByTimeAsync(500);
    fake.ack();
    await expect(Promise.all([a, b])).resolves.toEqual([undefined, undefined]);
    expect(fake.batches).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    expect(resent).toEqual([2, 2]);
    expect(fake.maxInFlight()).toBe(1);

    // Acknowledged: the batcher takes items again.
    const later = batcher.submit(4);
    await settle();
    fake.ack();
    await expect(later).resolves.toBeUndefined();
  });

  it('fails the callers of a batch whose failure resendAfter does not accept, and of any failure while stopping', async () => {
    const fake = fakeSend();
    const refusedByBroker = new Error('refused');
    const unknown = new Error('no answer');
    const batcher = batcherWith(fake, { lingerMs: 0, resendAfter: (error) => error === unknown });

    const refused = batcher.submit(1);
    await settle();
    fake.fail(refusedByBroker);
    await expect(refused).rejects.toBe(refusedByBroker);

    const last = batcher.submit(2);
    await settle();
    const stopping = batcher.stop();
    fake.fail(unknown);
    await expect(last).rejects.toBe(unknown);
    await stopping;
    expect(fake.batches).toEqual([[1], [2]]);
  });

  it('stops at once when nothing is queued or in flight', async () => {
    const batcher = batcherWith(fakeSend());
    await expect(batcher.stop()).resolves.toBeUndefined();
  });
});
