import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { loadGets } from './get-load.js';
import { scrape, sumMetric } from './metrics-scrape.js';
import { round } from './stats.js';

/**
 * Query path at increasing concurrency (closed loop, autocannon): GET by id of existing products
 * (rotating over a sample, answered from the reader's Redis index), GET by id of ids that do not
 * exist (404, answered from the same index without MongoDB), search for a word in a few products
 * and for one in every product, and a bare Fastify route as the ceiling of this machine. The
 * reader's cache_lookups_total tells how the lookups were answered.
 */

export interface QueryPoint {
  readonly target: 'get-hit' | 'get-404' | 'search' | 'search-common' | 'hello-world';
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  readonly rps: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Share of lookups Redis answered (hit, or absent from the complete index), GET targets only. */
  readonly cacheHitRatio?: number;
  /** Products in the read model while measured. */
  readonly existingProducts?: number;
}

export interface QueryPathOptions {
  readonly apiUrl: string;
  readonly readerMetricsUrl: string;
  /** Products that exist; hits rotate through (a sample of) them. */
  readonly productIds: readonly string[];
  /** A word in a few products' names (this run's) and one in every product's description. */
  readonly searchWord: string;
  readonly commonWord: string;
  readonly concurrency: readonly number[];
  readonly seconds: number;
}

export async function runQueryPath(options: QueryPathOptions): Promise<QueryPoint[]> {
  const points: QueryPoint[] = [];
  const sample = options.productIds.slice(-1_000);
  if (sample.length === 0) throw new Error('the query path needs at least one product');
  const unknown = Array.from({ length: 1_000 }, () => randomUUID());
  const hello = await startHelloServer();
  try {
    for (const connections of options.concurrency) {
      let hit = 0;
      points.push(
        await measure(options, 'get-hit', connections, () => `/products/${sample[hit++ % sample.length]}`),
      );
      let miss = 0;
      points.push(
        await measure(options, 'get-404', connections, () => `/products/${unknown[miss++ % unknown.length]}`),
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
        await measure(
          options,
          'search-common',
          connections,
          () => `/products/search?search=${options.commonWord}&page=1&size=10`,
        ),
      );
      points.push(
        await measure({ ...options, apiUrl: hello.url }, 'hello-world', connections, () => '/hello'),
      );
    }
  } finally {
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
      hit:
        (sumMetric(text, 'cache_lookups_total', { result: 'hit' }) ?? 0) +
        (sumMetric(text, 'cache_lookups_total', { result: 'absent' }) ?? 0),
      all: sumMetric(text, 'cache_lookups_total') ?? 0,
    };
  };
  const before = await lookups();
  const result = await loadGets(options.apiUrl, connections, options.seconds, path);
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

/** The bare Fastify route (hello-server.ts) as its own process, the ceiling of this machine. */
export async function startHelloServer() {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./hello-server.ts', import.meta.url))],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { child, url: `http://127.0.0.1:${Number(chunk.toString().trim())}` };
}
