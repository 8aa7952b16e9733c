import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { onShutdown } from '../src/index.js';

function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const proc = {
    once: emitter.once.bind(emitter),
    off: emitter.off.bind(emitter),
    exit: (code?: number) => {
      exits.push(code ?? 0);
    },
  } as unknown as Pick<NodeJS.Process, 'once' | 'off' | 'exit'>;
  return { emitter, exits, proc };
}
const log = { info: () => {}, error: () => {} };

describe('graceful shutdown', () => {
  it('stops once on SIGTERM and exits 0 after stop resolves', async () => {
    const { emitter, exits, proc } = fakeProcess();
    const stop = vi.fn(async () => {});
    onShutdown({ stop, log, proc });

    emitter.emit('SIGTERM', 'SIGTERM');
    await vi.waitFor(() => expect(exits).toEqual([0]));
    expect(stop).toHaveBeenCalledOnce();
  });

  it('exits 1 when stop fails', async () => {
    const { emitter, exits, proc } = fakeProcess();
    onShutdown({ stop: () => Promise.reject(new Error('pool')), log, proc });
    emitter.emit('SIGINT', 'SIGINT');
    await vi.waitFor(() => expect(exits).toEqual([1]));
  });

  it('exits 1 when stop outlasts the timeout', async () => {
    const { emitter, exits, proc } = fakeProcess();
    onShutdown({ stop: () => new Promise(() => {}), log, proc, timeoutMs: 20 });
    emitter.emit('SIGTERM', 'SIGTERM');
    await vi.waitFor(() => expect(exits).toEqual([1]));
  });

  it('exits at once on a second signal', async () => {
    const { emitter, exits, proc } = fakeProcess();
    onShutdown({ stop: () => new Promise(() => {}), log, proc, timeoutMs: 60_000 });
    emitter.emit('SIGTERM', 'SIGTERM');
    emitter.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);
  });
});
