import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { coalesceUnsent } from '../src/grpc/coalesce.js';

/** A send whose calls the test answers by hand, and a turn the test ends by hand. */
function harness() {
  const calls: {
    key: string;
    store: string | undefined;
    answer(value: string): void;
    fail(e: Error): void;
  }[] = [];
  const als = new AsyncLocalStorage<string>();
  let pendingFlush: (() => void) | undefined;
  const get = coalesceUnsent(
    (key: string) =>
      new Promise<string>((resolve, reject) => {
        calls.push({ key, store: als.getStore(), answer: resolve, fail: reject });
      }),
    (flush) => {
      pendingFlush = flush;
    },
  );
  const endTurn = () => {
    const flush = pendingFlush;
    pendingFlush = undefined;
    flush?.();
  };
  return { calls, als, get, endTurn };
}

describe('calls that have not gone out yet are shared, calls in flight never are', () => {
  it('callers of one id in the same turn share one call and all get its answer', async () => {
    const { calls, get, endTurn } = harness();
    const answers = Promise.all([get('a'), get('a'), get('a')]);
    expect(calls).toHaveLength(0);
    endTurn();
    expect(calls.map((c) => c.key)).toEqual(['a']);
    calls[0]?.answer('v1');
    expect(await answers).toEqual(['v1', 'v1', 'v1']);
  });

  it('a caller that arrives after the call went out gets a call of its own, sent after it asked', async () => {
    const { calls, get, endTurn } = harness();
    const early = get('a');
    endTurn();
    // The first call is in flight (it may have read the old version); an event is applied now.
    const late = get('a');
    expect(calls).toHaveLength(1);
    endTurn();
    expect(calls).toHaveLength(2);
    calls[0]?.answer('v1');
    calls[1]?.answer('v2');
    expect(await early).toBe('v1');
    expect(await late).toBe('v2');
  });

  it('different ids get different calls', async () => {
    const { calls, get, endTurn } = harness();
    const answers = Promise.all([get('a'), get('b'), get('a')]);
    endTurn();
    expect(calls.map((c) => c.key)).toEqual(['a', 'b']);
    for (const call of calls) call.answer(`${call.key}!`);
    expect(await answers).toEqual(['a!', 'b!', 'a!']);
  });

  it('a failed call fails every caller of its group, and the next turn calls again', async () => {
    const { calls, get, endTurn } = harness();
    const answers = [get('a'), get('a')].map((p) => p.catch((e: Error) => e.message));
    endTurn();
    calls[0]?.fail(new Error('unavailable'));
    expect(await Promise.all(answers)).toEqual(['unavailable', 'unavailable']);
    const retry = get('a');
    endTurn();
    calls[1]?.answer('v1');
    expect(await retry).toBe('v1');
  });

  it('a send that throws fails its group instead of the turn', async () => {
    let n = 0;
    let flushTurn: (() => void) | undefined;
    const get = coalesceUnsent(
      async (key: string) => {
        n++;
        if (key === 'bad') throw new Error('bad key');
        return key;
      },
      (flush) => {
        flushTurn = flush;
      },
    );
    const bad = get('bad').catch((e: Error) => e.message);
    const good = get('good');
    flushTurn?.();
    expect(await bad).toBe('bad key');
    expect(await good).toBe('good');
    expect(n).toBe(2);
  });
});

describe('the async context a call is made in (traces)', () => {
  it("a group's call runs in the context of the caller that opened it, not in the turn's", async () => {
    const { calls, als, get, endTurn } = harness();
    const answers = Promise.all([als.run('request-1', () => get('a')), als.run('request-2', () => get('b'))]);
    als.run('elsewhere', endTurn);
    expect(calls.map((c) => [c.key, c.store])).toEqual([
      ['a', 'request-1'],
      ['b', 'request-2'],
    ]);
    for (const call of calls) call.answer(call.key);
    await answers;
  });

  it('a leading (traced) caller that joins a group has the call made in its context', async () => {
    const { calls, als, get, endTurn } = harness();
    const answers = Promise.all([
      als.run('untraced', () => get('a')),
      als.run('traced', () => get('a', { lead: true })),
      als.run('untraced-2', () => get('a')),
    ]);
    endTurn();
    expect(calls.map((c) => c.store)).toEqual(['traced']);
    calls[0]?.answer('v');
    expect(await answers).toEqual(['v', 'v', 'v']);
  });

  it('a second leading caller gets a call of its own, at once and in its own context', async () => {
    const { calls, als, get, endTurn } = harness();
    const first = als.run('traced-1', () => get('a', { lead: true }));
    const second = als.run('traced-2', () => get('a', { lead: true }));
    expect(calls.map((c) => c.store)).toEqual(['traced-2']);
    endTurn();
    expect(calls.map((c) => c.store)).toEqual(['traced-2', 'traced-1']);
    for (const call of calls) call.answer(call.store ?? '');
    expect([await first, await second]).toEqual(['traced-1', 'traced-2']);
  });
});
