import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { testEndpoints, uniqueName } from '@cqrs-products/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireRunLock } from '../src/redis/rebuild-run-lock.js';

const redis = new Redis(testEndpoints().redisUrl);
afterAll(() => redis.disconnect());

describe('the rebuild run lock', () => {
  it('refuses a second rebuild while the first one runs, naming its holder, and admits one after release', async () => {
    const key = `${uniqueName('rebuild-lock')}:lock`;
    const first = await acquireRunLock(redis, key, 1_000);

    await expect(acquireRunLock(redis, key, 1_000)).rejects.toThrow(
      `another rebuild is running (${hostname()}:${process.pid}`,
    );
    await first.release();
    const second = await acquireRunLock(redis, key, 1_000);
    await second.release();
    expect(await redis.exists(key)).toBe(0);
  });

  it('takes over at once a lock left by a process of this machine that was killed', async () => {
    const key = `${uniqueName('rebuild-lock')}:lock`;
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await redis.set(key, `${hostname()}:${dead}`, 'PX', 60_000);

    const started = Date.now();
    const lock = await acquireRunLock(redis, key, 60_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await redis.get(key)).toBe(`${hostname()}:${process.pid}`);
    await lock.release();
  });
});
