import type { Redis } from 'ioredis';

/**
 * Runs `work` on a connection of its own, opened now and closed afterwards, for the one time the
 * shared client failed: right after a Redis restart the shared client may still be waiting out its
 * reconnect back-off (up to 2 s) while Redis and the other reader instances are back, and a cache
 * write this instance gives up on then would be missing while they already trust the index.
 * Rejects when Redis cannot be reached now either (down, or cut off from this process).
 */
export async function onFreshConnection<T>(
  redis: Redis,
  connectTimeoutMs: number,
  work: (client: Redis) => Promise<T>,
): Promise<T> {
  const client = redis.duplicate({
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return await work(client);
  } finally {
    client.disconnect();
  }
}
