/**
 * The benchmark harness (`npm run bench`; not part of the test suite). Starts its own stack of the
 * three services on the native infra, then measures:
 * 1. the command path: open-loop creates at fixed offered rates, HTTP and create->visible latency,
 *    the backlog (outbox, consumer lag) over time, and the highest rate whose visible p99 < 1 s;
 * 2. the query path: GET by id (cache hit, cache miss), search, and a bare Fastify route as the
 *    ceiling, at increasing concurrency;
 * 3. CPU and RSS of each service (and of the infra servers) throughout.
 * Writes bench/results/bench.json and SVG charts next to it; prints the summary JSON on stdout.
 *
 *   npm run bench -- [--rates 50,200,500,1000] [--seconds 5] [--concurrency 1,10,50] [--query-seconds 4]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { infraHome, startStack } from '@cqrs-products/testing';
import {
  backlogChart,
  commandLatencyChart,
  commandThroughputChart,
  queryLatencyChart,
  queryThroughputChart,
  resourcesChart,
  writeCharts,
} from './charts.js';
import { type BacklogSample, startBacklogScraper } from './metrics-scrape.js';
import { type RatePoint, runOpenLoop } from './open-loop.js';
import { runQueryPath } from './query-path.js';
import { pidFromFile, type ResourceSample, startResourceSampler } from './resources.js';
import { percentile, round } from './stats.js';

const { values: args } = parseArgs({
  options: {
    rates: { type: 'string', default: '50,200,500,1000' },
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '1,10,50' },
    'query-seconds': { type: 'string', default: '4' },
    'drain-timeout': { type: 'string', default: '45' },
  },
});
const rates = args.rates.split(',').map(Number);
const loadSeconds = Number(args.seconds);
const drainTimeoutMs = Number(args['drain-timeout']) * 1000;
const resultsDir = new URL('./results/', import.meta.url);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

// The services are instrumented as in production; spans are exported only if the caller points
// OTEL_* at a collector, so the numbers do not depend on one being there.
process.env.OTEL_TRACES_EXPORTER ??= 'none';
const stack = await startStack(undefined, 'error');
const sampler = startResourceSampler();
for (const [name, service] of Object.entries(stack.services))
  if (service.child.pid) sampler.watch(name, service.child.pid);
const home = infraHome();
for (const [name, file] of [
  ['kafka', 'run/kafka.pid'],
  ['ferretdb', 'run/ferretdb.pid'],
  ['postgres', 'postgres/data/postmaster.pid'],
  ['redis', 'run/redis.pid'],
] as const) {
  const pid = pidFromFile(join(home, file));
  if (pid) sampler.watch(name, pid);
}
const backlog = startBacklogScraper({
  writer: stack.metricsUrls['writer-service'],
  reader: stack.metricsUrls['reader-service'],
});

try {
  const word = `bench${Date.now().toString(36)}`;
  log('warm-up');
  const warm = await runOpenLoop({
    apiUrl: stack.apiUrl,
    rate: 20,
    seconds: 2,
    visibleSamples: 20,
    visibleTimeoutMs: 30_000,
    word,
  });
  await warm.visibleDone;

  const points: RatePoint[] = [];
  const productIds = [...warm.productIds];
  for (const rate of rates) {
    log(`command path: ${rate}/s for ${loadSeconds} s`);
    backlog.setPhase(`${rate}/s`);
    const started = performance.now();
    const run = await runOpenLoop({
      apiUrl: stack.apiUrl,
      rate,
      seconds: loadSeconds,
      visibleSamples: 30,
      visibleTimeoutMs: drainTimeoutMs,
      word,
    });
    await run.visibleDone;
    backlog.setPhase(`${rate}/s drain`);
    const drained = await untilDrained(drainTimeoutMs - (performance.now() - started));
    points.push({
      ...run.point,
      drainSeconds: drained ? round((performance.now() - started) / 1000, 1) : null,
    });
    productIds.push(...run.productIds);
    log(`  ${JSON.stringify(points.at(-1))}`);
  }
  backlog.setPhase('queries');

  log('query path');
  const queries = await runQueryPath({
    apiUrl: stack.apiUrl,
    readerMetricsUrl: stack.metricsUrls['reader-service'],
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisKeyPrefix: stack.redisKeyPrefix,
    productIds,
    searchWord: word,
    concurrency: args.concurrency.split(',').map(Number),
    seconds: Number(args['query-seconds']),
  });

  const backlogSamples = backlog.stop();
  const resourceSamples = sampler.stop();
  const sustained = points.filter((p) => p.visibleMs.notVisible === 0 && p.visibleMs.p99 < 1_000);
  const ceiling = (connections: number) =>
    queries.find((q) => q.target === 'hello-world' && q.connections === connections)?.rps ?? Number.NaN;
  const summary = {
    benchmark: 'cqrs-products',
    date: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    tracing: {
      exporter: process.env.OTEL_TRACES_EXPORTER,
      sdkDisabled: process.env.OTEL_SDK_DISABLED === 'true',
    },
    commandPath: {
      loadSecondsPerRate: loadSeconds,
      rates: points,
      maxSustainedRateVisibleP99Under1s:
        sustained.length > 0 ? Math.max(...sustained.map((p) => p.targetRate)) : null,
      // Creates the pipeline applies per second at the highest offered rate: its capacity.
      appliedPerSecondAtHighestRate: (() => {
        const last = points.at(-1);
        return last?.drainSeconds ? round(last.accepted / last.drainSeconds, 1) : null;
      })(),
    },
    queryPath: queries.map((q) => ({ ...q, shareOfHelloWorld: round(q.rps / ceiling(q.connections), 3) })),
    resources: resourceSummary(resourceSamples),
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    new URL('bench.json', resultsDir),
    `${JSON.stringify({ ...summary, series: { backlog: backlogSamples, resources: resourceSamples } }, null, 2)}\n`,
  );
  const charts = await writeCharts(resultsDir, {
    'command-latency': commandLatencyChart(points),
    'command-throughput': commandThroughputChart(points),
    backlog: backlogChart(backlogSamples),
    'query-throughput': queryThroughputChart(queries),
    'query-latency': queryLatencyChart(queries),
    resources: resourcesChart(resourceSamples),
  });
  log(`charts: ${charts.join(', ')}`);
  console.log(JSON.stringify(summary, null, 2));
} finally {
  backlog.stop();
  sampler.stop();
  await stack.stop();
}

/** Until the outbox and both consumer groups report no backlog (two scrapes in a row). */
async function untilDrained(timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + Math.max(timeoutMs, 5_000);
  let quiet = 0;
  while (performance.now() < deadline) {
    const s: BacklogSample | undefined = backlog.latest();
    const zero = s && (s.outboxPending ?? 0) === 0 && (s.writerLag ?? 0) === 0 && (s.readerLag ?? 0) === 0;
    quiet = zero ? quiet + 1 : 0;
    if (quiet >= 2) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/** Median and peak CPU and RSS per process over the run. */
function resourceSummary(samples: readonly ResourceSample[]) {
  const byProcess = new Map<string, ResourceSample[]>();
  for (const s of samples) byProcess.set(s.process, [...(byProcess.get(s.process) ?? []), s]);
  return Object.fromEntries(
    [...byProcess].map(([name, list]) => {
      const cpu = list.map((s) => s.cpuPercent);
      const rss = list.map((s) => s.rssMiB);
      return [
        name,
        {
          cpuPercentMedian: percentile(cpu, 50),
          cpuPercentMax: Math.max(...cpu),
          rssMiBMedian: percentile(rss, 50),
          rssMiBMax: Math.max(...rss),
        },
      ];
    }),
  );
}
