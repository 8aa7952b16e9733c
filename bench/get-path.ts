import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEndpoints } from '@cqrs-products/testing';
import { benchDataName } from './bench-data.js';
import { loadGets } from './get-load.js';
import { scrape, sumMetric } from './metrics-scrape.js';
import { type ProfileSummary, readProfile, summariseProfile } from './post-path-profile.js';
import { cpuSeconds } from './post-path-targets.js';
import { startHelloServer } from './query-path.js';
import { log, resultsDir, runHeader } from './results.js';
import { startScaleStack } from './scale-stack.js';
import { percentile, round } from './stats.js';

/**
 * GET by id on its own (`npm run bench -- --get-path`): the compiled stack on the kept bench
 * data of the scale mode (run `--scale` once first), autocannon rotating over existing ids, and a
 * bare Fastify route in the same run as the ceiling. Besides rps it reports CPU time per request
 * of the gateway and the reader (from /proc), which moves far less than rps on a busy machine, so
 * two builds or two settings can be compared back to back.
 */

export interface GetPathOptions {
  readonly existing: number;
  readonly connections: readonly number[];
  readonly seconds: number;
  readonly runs: number;
  readonly label: string;
  /** Extra environment of every service, for A/B runs of one setting. */
  readonly env: Readonly<Record<string, string>>;
  /** Measures a second gateway run under V8's profiler, and summarises each window. */
  readonly cpuProf: boolean;
}

interface Point {
  readonly run: number;
  readonly target: 'get-hit' | 'hello-world';
  readonly connections: number;
  readonly rps: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly gatewayUsPerRequest?: number;
  readonly readerUsPerRequest?: number;
  /** The bare route's CPU per request (hello-world points). */
  readonly usPerRequest?: number;
  /** GETs per GetProductsByIds call the reader answered. */
  readonly requestsPerCall?: number;
  readonly loadAverage1m: number;
  readonly profile?: { readonly gateway: ProfileSummary; readonly reader: ProfileSummary };
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

async function load(url: string, connections: number, seconds: number, path: () => string) {
  const result = await loadGets(url, connections, seconds, path);
  return {
    requests: result.requests.total,
    rps: round(result.requests.average, 1),
    p99Ms: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats?.count ?? 0]),
    ) as Record<string, number>,
  };
}

const readerCalls = async (metricsUrl: string) =>
  sumMetric(await scrape(metricsUrl), 'rpc_server_duration_seconds_count', {
    rpc_method: '/readerService.readerService/GetProductsByIds',
  }) ?? 0;

/**
 * A reader that has just started catches up (its consumer, the search backfill) for a while;
 * measured then, its CPU per request would include that work.
 */
async function untilIdle(pid: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const before = cpuSeconds(pid);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    if (cpuSeconds(pid) - before < 0.05) return;
  }
  log(`get-path: the reader (pid ${pid}) was still busy after ${timeoutMs / 1000} s; measuring anyway`);
}

export async function runGetPath(options: GetPathOptions) {
  const endpoints = testEndpoints();
  const name = benchDataName(options.existing);
  const points: Point[] = [];
  for (let run = 1; run <= options.runs; run++) {
    const ceiling = await startHelloServer();
    const profileDir = options.cpuProf ? mkdtempSync(join(tmpdir(), 'get-path-')) : undefined;
    const profiled = (service: string) =>
      profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, service)}`] : [];
    const stack = await startScaleStack(endpoints, name, {
      logLevel: 'warn',
      partitions: 10,
      env: options.env,
      nodeArgs: { 'api-gateway': profiled('gateway'), 'reader-service': profiled('reader') },
    }).catch((error: unknown) => {
      ceiling.child.kill('SIGTERM');
      throw error;
    });
    const windows: { fromUs: number; toUs: number }[] = [];
    try {
      const { rows } = await stack.pool.query<{ product_id: string }>(
        'SELECT product_id FROM products ORDER BY random() LIMIT 1000',
      );
      const ids = rows.map((r) => r.product_id);
      if (ids.length === 0) throw new Error(`${name} holds no products: run npm run bench -- --scale first`);
      let next = 0;
      const byId = () => `/products/${ids[next++ % ids.length]}`;
      const pids = {
        gateway: stack.services['api-gateway'].child.pid as number,
        reader: stack.services['reader-service'].child.pid as number,
      };
      await untilIdle(pids.reader);
      // JIT, connections and the reader's cache warm before anything counts.
      await load(stack.apiUrl, 10, 2, byId);
      for (const connections of options.connections) {
        const cpu0 = { gateway: cpuSeconds(pids.gateway), reader: cpuSeconds(pids.reader) };
        const calls0 = await readerCalls(stack.metricsUrls['reader-service']);
        const fromUs = nowUs();
        const get = await load(stack.apiUrl, connections, options.seconds, byId);
        windows.push({ fromUs, toUs: nowUs() });
        const us = (pid: number, before: number) =>
          round(((cpuSeconds(pid) - before) * 1e6) / get.requests, 1);
        points.push({
          run,
          target: 'get-hit',
          connections,
          rps: get.rps,
          p99Ms: get.p99Ms,
          non2xx: get.non2xx,
          statusCodes: get.statusCodes,
          gatewayUsPerRequest: us(pids.gateway, cpu0.gateway),
          readerUsPerRequest: us(pids.reader, cpu0.reader),
          requestsPerCall: round(
            get.requests / Math.max(1, (await readerCalls(stack.metricsUrls['reader-service'])) - calls0),
            1,
          ),
          loadAverage1m: round(loadavg()[0] ?? 0, 2),
        });
        log(`get-path run ${run}: ${JSON.stringify(points.at(-1))}`);
        const helloPid = ceiling.child.pid as number;
        const helloCpu0 = cpuSeconds(helloPid);
        const bare = await load(ceiling.url, connections, options.seconds, () => '/hello');
        points.push({
          run,
          target: 'hello-world',
          connections,
          ...bare,
          usPerRequest: round(((cpuSeconds(helloPid) - helloCpu0) * 1e6) / bare.requests, 1),
          loadAverage1m: round(loadavg()[0] ?? 0, 2),
        });
        log(`get-path run ${run}: ${JSON.stringify(points.at(-1))}`);
      }
    } finally {
      ceiling.child.kill('SIGTERM');
      await stack.stop();
    }
    if (profileDir) {
      const profiles = {
        gateway: readProfile(join(profileDir, 'gateway')),
        reader: readProfile(join(profileDir, 'reader')),
      };
      const gets = points.filter((p) => p.run === run && p.target === 'get-hit');
      gets.forEach((point, i) => {
        const window = windows[i];
        if (window)
          Object.assign(point, {
            profile: {
              dir: profileDir,
              window,
              gateway: summariseProfile(profiles.gateway, window),
              reader: summariseProfile(profiles.reader, window),
            },
          });
      });
    }
  }
  const summary = options.connections.map((connections) => {
    const of = (target: Point['target']) =>
      points.filter((p) => p.target === target && p.connections === connections);
    const median = (values: number[]) => round(percentile(values, 50), 3);
    // The share is taken within each run (both targets saw the same machine), then its median.
    const shares = of('get-hit').flatMap((g) => {
      const h = of('hello-world').find((p) => p.run === g.run);
      return h ? [g.rps / h.rps] : [];
    });
    return {
      connections,
      getHitRps: median(of('get-hit').map((p) => p.rps)),
      getHitP99Ms: median(of('get-hit').map((p) => p.p99Ms)),
      helloWorldRps: median(of('hello-world').map((p) => p.rps)),
      shareOfHelloWorld: median(shares),
      gatewayUsPerRequest: median(of('get-hit').map((p) => p.gatewayUsPerRequest ?? 0)),
      readerUsPerRequest: median(of('get-hit').map((p) => p.readerUsPerRequest ?? 0)),
    };
  });
  const results = { ...runHeader(), options, summary, points };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    new URL(`get-path-${options.label}.json`, resultsDir),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  return summary;
}
