import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredProduct } from '../src/domain/product.js';
import type { CacheLookup } from '../src/redis/product.cache.js';
import { createWritingWait } from '../src/writing-wait.js';

const hit = (id: string): CacheLookup => ({
  kind: 'hit',
  stored: { kind: 'live', id } as unknown as StoredProduct,
});
const writing: CacheLookup = { kind: 'writing' };

/** What Redis answers, product by product, as a test changes it; and the lookups it was asked. */
function redisWith(initial: Record<string, CacheLookup>) {
  const state = { ...initial };
  const calls: string[][] = [];
  return {
    state,
    calls,
    cache: {
      lookupMany: async (ids: readonly string[]) => {
        calls.push([...ids]);
        return ids.map((id) => state[id] ?? { kind: 'absent' as const });
      },
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a read of a product some instance is writing', () => {
  it('is answered from Redis once the write removed its mark', async () => {
    const redis = redisWith({ a: writing });
    const done = createWritingWait({ cache: redis.cache, maxWaitMs: 300, pollMs: 5 });
    const answer = done('a');
    await vi.advanceTimersByTimeAsync(20);
    redis.state.a = hit('a');
    await vi.advanceTimersByTimeAsync(5);
    expect(await answer).toEqual(hit('a'));
  });

  it('goes to MongoDB (unknown) when the mark outlasts the wait', async () => {
    const redis = redisWith({ a: writing });
    const done = createWritingWait({ cache: redis.cache, maxWaitMs: 300, pollMs: 5 });
    const answer = done('a');
    let settled = false;
    void answer.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(290);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    expect(await answer).toEqual({ kind: 'unknown' });
  });

  it('shares one Redis lookup a tick among all the reads waiting', async () => {
    const redis = redisWith({ a: writing, b: writing });
    const done = createWritingWait({ cache: redis.cache, maxWaitMs: 300, pollMs: 5 });
    const answers = [done('a'), done('b'), done('a')];
    await vi.advanceTimersByTimeAsync(5);
    expect(redis.calls).toEqual([['a', 'b']]);
    redis.state.a = hit('a');
    redis.state.b = { kind: 'absent' };
    await vi.advanceTimersByTimeAsync(5);
    expect(await Promise.all(answers)).toEqual([hit('a'), { kind: 'absent' }, hit('a')]);
    expect(redis.calls).toHaveLength(2);
  });

  it('asks MongoDB when Redis fails while it waits', async () => {
    const done = createWritingWait({
      cache: { lookupMany: async () => Promise.reject(new Error('Redis is down')) },
      pollMs: 5,
    });
    const answer = done('a');
    await vi.advanceTimersByTimeAsync(5);
    expect(await answer).toEqual({ kind: 'unknown' });
  });
});
