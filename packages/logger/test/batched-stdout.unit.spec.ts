import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchedDestination } from '../src/index.js';

describe('batched log destination', () => {
  let dir: string;
  let file: string;
  let fd: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'batched-log-'));
    file = join(dir, 'out.log');
    fd = openSync(file, 'w');
  });
  afterEach(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });
  const written = () => readFileSync(file, 'utf8');

  it('holds lines for the flush window, then writes them all in order', () => {
    vi.useFakeTimers();
    try {
      const destination = batchedDestination(fd, { flushAfterMs: 30 });
      destination.write('{"n":1}\n');
      destination.write('{"n":2}\n');
      vi.advanceTimersByTime(29);
      expect(written()).toBe('');
      vi.advanceTimersByTime(1);
      expect(written()).toBe('{"n":1}\n{"n":2}\n');
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes at once when the buffer reaches its bound, whatever the window', () => {
    const destination = batchedDestination(fd, { flushAfterMs: 60_000, maxBufferedChars: 20 });
    destination.write('{"line":"first"}\n');
    expect(written()).toBe('');
    destination.write('{"line":"second"}\n');
    expect(written()).toBe('{"line":"first"}\n{"line":"second"}\n');
  });

  it('flushSync writes what is buffered (the exit hook calls it)', () => {
    const destination = batchedDestination(fd, { flushAfterMs: 60_000 });
    destination.write('{"n":"last"}\n');
    destination.flushSync();
    expect(written()).toBe('{"n":"last"}\n');
  });
});
