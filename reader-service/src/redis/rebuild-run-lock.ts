import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

export interface RunLock {
  release(): Promise<void>;
}

const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Whether the holder is a process of this machine that no longer exists (killed, crashed). */
const holderIsGone = (holder: string | null): boolean => {
  const [host, pid] = (holder ?? '').split(':');
  if (host !== hostname() || !pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

/**
 * One rebuild at a time: two would share one progress document and overwrite each other's
 * position. The lock expires (`ttlMs`, renewed while the run lives), so a killed run's lock lapses
 * by itself; one left by a dead process of this machine is taken over at once, so a run killed
 * and started again (the usual way to resume) need not wait.
 */
export async function acquireRunLock(redis: Redis, key: string, ttlMs = 15_000): Promise<RunLock> {
  const token = `${hostname()}:${process.pid}`;
  const deadline = Date.now() + ttlMs;
  while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
    const holder = await redis.get(key);
    if (holderIsGone(holder)) {
      await redis.eval(releaseScript, 1, key, holder as string);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`another rebuild is running (${holder}, lock ${key}); wait for it or stop it first`);
    }
    await sleep(500);
  }
  const renew = setInterval(() => {
    redis.eval(renewScript, 1, key, token, ttlMs).catch(() => {});
  }, ttlMs / 3);
  return {
    release: async () => {
      clearInterval(renew);
      await redis.eval(releaseScript, 1, key, token).catch(() => {});
    },
  };
}
