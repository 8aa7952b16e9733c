import type { Redis } from 'ioredis';

/**
 * How the benchmark learns that an accepted create has become visible, i.e. a GET through the
 * API returns it. Two probes:
 *
 * - `get`: polls GET /products/:id. Exact, but every poll before the product is there is a
 *   read-model miss: the reader falls through Redis to MongoDB, and FerretDB 1.x scans the whole
 *   collection for it (300 ms of its CPU per miss at 100k products). One sample in 20, polled a
 *   dozen times before it shows, adds 0.6 such scans per create: the probe would be the load.
 * - `redis`: watches the reader's cache key (EXISTS, one pipeline for all pending samples every
 *   tick). The reader writes that key only after MongoDB has the product, and a GET answers from
 *   it, so the key appearing is the product becoming visible; one GET per sample then confirms it
 *   through the API (a cache hit, cheap). A sample whose key never appears gets one last GET, so a
 *   reader that stopped writing the cache on apply shows up as `visibleWithoutCacheKey`.
 */

/** Resolves with the ms from `sentAt` until visible, or undefined if not visible in time. */
export type Follow = (productId: string, sentAt: number) => Promise<number | undefined>;

export interface ProbeCounters {
  readonly mode: 'get' | 'redis';
  /** GET requests the probe sent. */
  gets: number;
  /** Key checks sent to Redis (redis probe only). */
  redisChecks: number;
  /** Seen in Redis but the confirming GET did not answer 200 (should stay 0). */
  unconfirmed: number;
  /** Never seen in Redis, yet the last GET found it (the reader no longer caches on apply). */
  visibleWithoutCacheKey: number;
}

export interface VisibilityProbe {
  readonly follow: Follow;
  /** Counts since the last call (one rate step), then starts again from zero. */
  takeCounters(): ProbeCounters;
  /** Gives up on the samples still pending. */
  close(): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const getStatus = async (apiUrl: string, productId: string): Promise<number | undefined> => {
  const response = await fetch(`${apiUrl}/products/${productId}`).catch(() => undefined);
  await response?.arrayBuffer();
  return response?.status;
};

const zeroCounters = (mode: ProbeCounters['mode']): ProbeCounters => ({
  mode,
  gets: 0,
  redisChecks: 0,
  unconfirmed: 0,
  visibleWithoutCacheKey: 0,
});

/** Counters that start over for each rate step. */
function counterSet(mode: ProbeCounters['mode']) {
  let current = zeroCounters(mode);
  return {
    current: () => current,
    take: () => {
      const taken = current;
      current = zeroCounters(mode);
      return taken;
    },
  };
}

export interface GetProbeOptions {
  readonly apiUrl: string;
  readonly timeoutMs: number;
  /** The shortest wait between two polls of one product. */
  readonly minIntervalMs?: number;
  /** Waits grow with the time waited so far (this share of it): precise for short waits, and a
   * deep backlog is not buried under the benchmark's own reads. */
  readonly growth?: number;
  readonly maxIntervalMs?: number;
}

export function followByGet(options: GetProbeOptions): VisibilityProbe {
  const { apiUrl, timeoutMs, minIntervalMs = 25, growth = 1 / 20, maxIntervalMs = 500 } = options;
  const counters = counterSet('get');
  return {
    takeCounters: counters.take,
    close: () => {},
    follow: async (productId, sentAt) => {
      const deadline = sentAt + timeoutMs;
      while (performance.now() < deadline) {
        counters.current().gets++;
        if ((await getStatus(apiUrl, productId)) === 200) return performance.now() - sentAt;
        const waited = performance.now() - sentAt;
        await sleep(Math.min(maxIntervalMs, Math.max(minIntervalMs, waited * growth)));
      }
      return undefined;
    },
  };
}

export interface RedisProbeOptions {
  readonly apiUrl: string;
  readonly redis: Redis;
  /** The reader's REDIS_KEY_PREFIX: its cache key of a product is prefix + productId. */
  readonly keyPrefix: string;
  readonly timeoutMs: number;
  readonly tickMs?: number;
}

export function followByRedis(options: RedisProbeOptions): VisibilityProbe {
  const { apiUrl, redis, keyPrefix, timeoutMs, tickMs = 10 } = options;
  const pending = new Map<string, { sentAt: number; done: (visibleAt: number | undefined) => void }>();
  const counters = counterSet('redis');
  let running = false;
  const tick = async () => {
    const ids = [...pending.keys()];
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.exists(`${keyPrefix}${id}`);
    counters.current().redisChecks += ids.length;
    const results = await pipeline.exec().catch(() => null);
    const at = performance.now();
    ids.forEach((id, i) => {
      const entry = pending.get(id);
      if (!entry) return;
      const [error, exists] = results?.[i] ?? [null, 0];
      if (!error && exists === 1) entry.done(at);
      else if (at > entry.sentAt + timeoutMs) entry.done(undefined);
    });
  };
  const loop = async () => {
    // One pipeline at a time, then the next tick: a slow Redis slows the probe, never piles up.
    running = true;
    while (pending.size > 0) {
      await tick();
      await sleep(tickMs);
    }
    running = false;
  };
  const follow: Follow = async (productId, sentAt) => {
    const visibleAt = await new Promise<number | undefined>((resolve) => {
      pending.set(productId, {
        sentAt,
        done: (at) => {
          pending.delete(productId);
          resolve(at);
        },
      });
      if (!running) void loop();
    });
    const c = counters.current();
    c.gets++;
    const status = await getStatus(apiUrl, productId);
    if (visibleAt === undefined) {
      if (status === 200) c.visibleWithoutCacheKey++;
      return undefined;
    }
    if (status !== 200) c.unconfirmed++;
    return visibleAt - sentAt;
  };
  return {
    follow,
    takeCounters: counters.take,
    close: () => {
      for (const entry of pending.values()) entry.done(undefined);
    },
  };
}
