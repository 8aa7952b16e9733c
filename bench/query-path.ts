import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { scrape, sumMetric } from './metrics-scrape.js';
import { round } from './stats.js';

/**
 * Query path at increasing concurrency (closed loop, autocannon): GET by id from the cache, GET
 * by id with the cache emptied first (misses, then MongoDB), search, and a bare Fastify route as
 * the ceiling of this machine. The reader's cache_lookups_total tells how many reads really hit.
 */

export interface QueryPoint {
  readonly target: 'get-hit' | 'get-miss' | 'search' | 'hello-world';
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  readonly rps: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Share of cache lookups that hit, from the reader's metrics (GET targets only). */
  readonly cacheHitRatio?: number;
}

export interface QueryPathOptions {
  readonly apiUrl: string;
  readonly readerMetricsUrl: string;
  readonly redisUrl: string;
  readonly redisKeyPrefix: string;
  /** Products that exist; misses rotate through them. */
  readonly productIds: readonly string[];
  readonly searchWord: string;
  readonly concurrency: readonly number[];
  readonly seconds: number;
}

export async function runQueryPath(options: QueryPathOptions): Promise<QueryPoint[]> {
  const points: QueryPoint[] = [];
  const hot = options.productIds[0];
  if (!hot) throw new Error('the query path needs at least one product');
  const redis = new Redis(options.redisUrl);
  const hello = await startHelloServer();
  try {
    for (const connections of options.concurrency) {
      await fetch(`${options.apiUrl}/products/${hot}`); // fills the cache for the hit run
      points.push(await measure(options, 'get-hit', connections, () => `/products/${hot}`));

      await emptyCache(redis, options.redisKeyPrefix);
      let next = 0;
      const ids = options.productIds;
      points.push(
        await measure(options, 'get-miss', connections, () => `/products/${ids[next++ % ids.length]}`),
      );

      points.push(
        await measure(
          options,
          'search',
          connections,
          () => `/products/search?search=${options.searchWord}&page=1&size=10`,
        ),
      );
      points.push(
        await measure({ ...options, apiUrl: hello.url }, 'hello-world', connections, () => '/hello'),
      );
    }
  } finally {
    redis.disconnect();
    hello.child.kill('SIGTERM');
    await once(hello.child, 'exit');
  }
  return points;
}

/** Each point with its throughput as a share of the bare route's at the same concurrency. */
export function withShareOfHelloWorld(points: readonly QueryPoint[]) {
  const ceiling = (connections: number) =>
    points.find((q) => q.target === 'hello-world' && q.connections === connections)?.rps ?? Number.NaN;
  return points.map((q) => ({ ...q, shareOfHelloWorld: round(q.rps / ceiling(q.connections), 3) }));
}

async function measure(
  options: QueryPathOptions,
  target: QueryPoint['target'],
  connections: number,
  path: () => string,
): Promise<QueryPoint> {
  const lookups = async () => {
    const text = await scrape(options.readerMetricsUrl).catch(() => '');
    return {
      hit: sumMetric(text, 'cache_lookups_total', { result: 'hit' }) ?? 0,
      all: sumMetric(text, 'cache_lookups_total') ?? 0,
    };
  };
  const prefix = new URL(options.apiUrl).pathname.replace(/\/$/, '');
  const before = await lookups();
  const result = await autocannon({
    url: options.apiUrl,
    connections,
    duration: options.seconds,
    // A request's path replaces the URL's whole path, so the API prefix (/api/v1) goes in front.
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `${prefix}${path()}` }) }],
  });
  const after = await lookups();
  const total = after.all - before.all;
  return {
    target,
    connections,
    seconds: options.seconds,
    requests: result.requests.total,
    rps: round(result.requests.average, 1),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    ...(target.startsWith('get') &&
      total > 0 && { cacheHitRatio: round((after.hit - before.hit) / total, 3) }),
  };
}

async function emptyCache(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

async function startHelloServer() {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./hello-server.ts', import.meta.url))],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { child, url: `http://127.0.0.1:${Number(chunk.toString().trim())}` };
}
