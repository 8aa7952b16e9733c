import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { onShutdown, runService } from '../src/index.js';

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

describe('a service entry point', () => {
  const fakeRun = () => {
    const fake = fakeProcess();
    const written: string[] = [];
    const proc = Object.assign(fake.proc, { stderr: { write: (text: string) => written.push(text) } });
    return { ...fake, written, proc: proc as typeof proc & { stderr: Pick<NodeJS.WriteStream, 'write'> } };
  };

  it('stops the service on SIGTERM, then runs afterStop, then exits 0', async () => {
    const { emitter, exits, proc } = fakeRun();
    const order: string[] = [];
    await runService('test-service', {
      start: async () => ({ log, stop: async () => void order.push('stop') }),
      afterStop: async () => void order.push('afterStop'),
      proc,
    });

    emitter.emit('SIGTERM', 'SIGTERM');
    await vi.waitFor(() => expect(exits).toEqual([0]));
    expect(order).toEqual(['stop', 'afterStop']);
  });

  it('exits 1 with one line naming the service when it cannot start', async () => {
    const { exits, written, proc } = fakeRun();
    await runService('test-service', {
      start: () => Promise.reject(new Error('connect ECONNREFUSED')),
      proc,
    });

    expect(exits).toEqual([1]);
    expect(written).toEqual(['test-service failed to start: connect ECONNREFUSED\n']);
  });
});
