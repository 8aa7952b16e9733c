import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { batchUnsent } from '../src/grpc/batch-lookups.js';

/** A sendMany whose calls the test answers by hand, and a turn the test ends by hand. */
function harness(maxBatch = 100) {
  const calls: {
    keys: readonly string[];
    store: string | undefined;
    answer(values: readonly string[]): void;
    fail(e: Error): void;
  }[] = [];
  const als = new AsyncLocalStorage<string>();
  let pendingFlush: (() => void) | undefined;
  const get = batchUnsent(
    (keys: readonly string[]) =>
      new Promise<readonly string[]>((resolve, reject) => {
        calls.push({ keys, store: als.getStore(), answer: resolve, fail: reject });
      }),
    {
      maxBatch,
      schedule: (flush) => {
        pendingFlush = flush;
      },
    },
  );
  const endTurn = () => {
    const flush = pendingFlush;
    pendingFlush = undefined;
    flush?.();
  };
  /** Answers every call so far with `<key>@<n>`, n counting calls from 1. */
  const answerAll = () => {
    for (const [n, call] of calls.entries()) call.answer(call.keys.map((k) => `${k}@${n + 1}`));
  };
  return { calls, als, get, endTurn, answerAll };
}

describe('lookups that have not gone out yet are gathered, calls in flight are never joined', () => {
  it('lookups of one turn go out in one call, one key per id, and each caller gets its own id', async () => {
    const { calls, get, endTurn, answerAll } = harness();
    const answers = Promise.all([get('a'), get('b'), get('a'), get('c')]);
    expect(calls).toHaveLength(0);
    endTurn();
    expect(calls.map((c) => c.keys)).toEqual([['a', 'b', 'c']]);
    answerAll();
    expect(await answers).toEqual(['a@1', 'b@1', 'a@1', 'c@1']);
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
    calls[0]?.answer(['v1']);
    calls[1]?.answer(['v2']);
    expect(await early).toBe('v1');
    expect(await late).toBe('v2');
  });

  it('a turn with more ids than a call may carry sends several calls, each within the bound', async () => {
    const { calls, get, endTurn, answerAll } = harness(2);
    const answers = Promise.all(['a', 'b', 'c', 'a', 'd', 'e'].map((k) => get(k)));
    endTurn();
    expect(calls.map((c) => c.keys)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    answerAll();
    expect(await answers).toEqual(['a@1', 'b@1', 'c@2', 'a@1', 'd@2', 'e@3']);
  });

  it('a failed call fails every caller in it, and the next turn calls again', async () => {
    const { calls, get, endTurn } = harness();
    const answers = [get('a'), get('b')].map((p) => p.catch((e: Error) => e.message));
    endTurn();
    calls[0]?.fail(new Error('unavailable'));
    expect(await Promise.all(answers)).toEqual(['unavailable', 'unavailable']);
    const retry = get('a');
    endTurn();
    calls[1]?.answer(['v1']);
    expect(await retry).toBe('v1');
  });

  it('an answer that does not have one value per key fails its callers instead of mixing them up', async () => {
    const { calls, get, endTurn } = harness();
    const answers = [get('a'), get('b')].map((p) => p.catch((e: Error) => e.message));
    endTurn();
    calls[0]?.answer(['only one']);
    expect(await Promise.all(answers)).toEqual(['1 answers for 2 lookups', '1 answers for 2 lookups']);
  });

  it('a sendMany that throws fails its batch instead of the turn', async () => {
    let flushTurn: (() => void) | undefined;
    let n = 0;
    const get = batchUnsent(
      (keys: readonly string[]) => {
        n++;
        if (keys.includes('bad')) throw new Error('bad key');
        return Promise.resolve(keys);
      },
      {
        maxBatch: 1,
        schedule: (flush) => {
          flushTurn = flush;
        },
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
  it("a batch's call runs in the context of the caller that opened it, not in the turn's", async () => {
    const { calls, als, get, endTurn, answerAll } = harness(1);
    const answers = Promise.all([als.run('request-1', () => get('a')), als.run('request-2', () => get('b'))]);
    als.run('elsewhere', endTurn);
    expect(calls.map((c) => [c.keys, c.store])).toEqual([
      [['a'], 'request-1'],
      [['b'], 'request-2'],
    ]);
    answerAll();
    await answers;
  });

  it('a leading (traced) caller that joins a batch has the call made in its context', async () => {
    const { calls, als, get, endTurn, answerAll } = harness();
    const answers = Promise.all([
      als.run('untraced', () => get('a')),
      als.run('traced', () => get('b', { lead: true })),
      als.run('untraced-2', () => get('a')),
    ]);
    endTurn();
    expect(calls.map((c) => [c.keys, c.store])).toEqual([[['a', 'b'], 'traced']]);
    answerAll();
    expect(await answers).toEqual(['a@1', 'b@1', 'a@1']);
  });

  it('a second leading caller opens a batch of its own, made in its own context', async () => {
    const { calls, als, get, endTurn, answerAll } = harness();
    const first = als.run('traced-1', () => get('a', { lead: true }));
    const second = als.run('traced-2', () => get('a', { lead: true }));
    const third = als.run('untraced', () => get('b'));
    endTurn();
    // Untraced lookups join the latest batch; each traced one is the leader of its own.
    expect(calls.map((c) => [c.keys, c.store])).toEqual([
      [['a'], 'traced-1'],
      [['a', 'b'], 'traced-2'],
    ]);
    answerAll();
    expect([await first, await second, await third]).toEqual(['a@1', 'a@2', 'b@2']);
  });
});
