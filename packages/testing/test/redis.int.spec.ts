import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEndpoints, uniqueName } from '../src/index.js';

let redis: Redis;
const prefix = `${uniqueName('test')}:`;
beforeAll(() => {
  redis = new Redis(testEndpoints().redisUrl, { keyPrefix: prefix });
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.call('DEL', ...keys);
  redis?.disconnect();
});

describe('Redis', () => {
  it('round-trips a key with a TTL', async () => {
    await redis.set('product:1', JSON.stringify({ version: 1 }), 'EX', 60);

    expect(JSON.parse((await redis.get('product:1')) ?? 'null')).toEqual({ version: 1 });
    const ttl = await redis.ttl('product:1');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });
});
