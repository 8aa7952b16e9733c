import { describe, expect, it } from 'vitest';
import { keyLock } from '../src/mongo/key-lock.js';

/** A promise the test settles by hand, to hold a locked call open. */
const gate = () => {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
};
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('locking sets of keys', () => {
  it('runs a call sharing a key with a running one only after that one has settled', async () => {
    const lock = keyLock();
    const first = gate();
    const log: string[] = [];
    const a = lock(['p1', 'p2'], async () => {
      log.push('a starts');
      await first.opened;
      log.push('a ends');
    });
    const b = lock(['p3', 'p2'], async () => {
      log.push('b runs');
    });
    await tick();
    expect(log).toEqual(['a starts']);
    first.open();
    await Promise.all([a, b]);
    expect(log).toEqual(['a starts', 'a ends', 'b runs']);
  });

  it('runs calls on disjoint keys at the same time', async () => {
    const lock = keyLock();
    const held = gate();
    const log: string[] = [];
    const a = lock(['p1'], async () => {
      await held.opened;
      log.push('a');
    });
    await lock(['p2'], async () => {
      log.push('b');
    });
    expect(log).toEqual(['b']);
    held.open();
    await a;
  });

  it('cannot deadlock two calls that name overlapping keys in opposite orders', async () => {
    const lock = keyLock();
    const results = await Promise.all([
      lock(['x', 'y'], async () => 'xy'),
      lock(['y', 'x'], async () => 'yx'),
      lock(['y', 'z', 'x'], async () => 'yzx'),
    ]);
    expect(results).toEqual(['xy', 'yx', 'yzx']);
  });

  it('lets the next call run after one that failed, and passes the failure to its caller', async () => {
    const lock = keyLock();
    const failed = lock(['p'], async () => {
      throw new Error('boom');
    });
    await expect(failed).rejects.toThrow('boom');
    await expect(lock(['p'], async () => 'next')).resolves.toBe('next');
  });
});
