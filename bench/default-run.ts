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
import { startBacklogScraper, untilDrained } from './metrics-scrape.js';
import { type RatePoint, runOpenLoop } from './open-loop.js';
import { runQueryPath, withShareOfHelloWorld } from './query-path.js';
import { resourceSummary, startResourceSampler, watchInfraServers } from './resources.js';
import { log, resultsDir, runHeader, writeResults } from './results.js';
import { round } from './stats.js';

/**
 * The default run (`npm run bench`): a fresh stack on empty databases; open-loop creates at a few
 * fixed offered rates (HTTP and create->visible latency, the backlog over time, the highest rate
 * whose visible p99 < 1 s), then the query path, with CPU and RSS sampled throughout.
 */

export interface DefaultRunOptions {
  readonly rates: readonly number[];
  readonly seconds: number;
  readonly drainTimeoutMs: number;
  readonly concurrency: readonly number[];
  readonly querySeconds: number;
}

export async function runDefault(options: DefaultRunOptions): Promise<void> {
  const { rates, seconds: loadSeconds, drainTimeoutMs } = options;
  const stack = await startStack(undefined, 'error');
  const sampler = startResourceSampler();
  for (const [name, service] of Object.entries(stack.services))
    if (service.child.pid) sampler.watch(name, service.child.pid);
  watchInfraServers(sampler, infraHome());
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
      visible: { samples: 20 },
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
        visible: { samples: 30 },
        visibleTimeoutMs: drainTimeoutMs,
        word,
      });
      await run.visibleDone;
      backlog.setPhase(`${rate}/s drain`);
      const drained = await untilDrained(backlog, drainTimeoutMs - (performance.now() - started));
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
      productIds,
      searchWord: word,
      // Every benchmark product's description has it: the search that matches everything.
      commonWord: 'benchmark',
      concurrency: options.concurrency,
      seconds: options.querySeconds,
    });

    const backlogSamples = backlog.stop();
    const resourceSamples = sampler.stop();
    const sustained = points.filter((p) => p.visibleMs.notVisible === 0 && p.visibleMs.p99 < 1_000);
    const summary = {
      ...runHeader(),
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
      queryPath: withShareOfHelloWorld(queries),
      resources: resourceSummary(resourceSamples),
    };
    writeResults(resultsDir, { ...summary, series: { backlog: backlogSamples, resources: resourceSamples } });
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
}
