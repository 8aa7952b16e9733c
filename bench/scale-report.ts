import {
  backlogChart,
  queryLatencyChart,
  queryThroughputChart,
  resourcesChart,
  writeCharts,
} from './charts.js';
import { type QueryPoint, withShareOfHelloWorld } from './query-path.js';
import { resourceSummary } from './resources.js';
import { log, resultsDir, runHeader, writeResults } from './results.js';
import {
  cpuPerCommandChart,
  type SizeRuns,
  scaleLatencyChart,
  scaleThroughputChart,
} from './scale-charts.js';
import type { ScaleOptions, ScaleResult } from './scale-run.js';
import { defaultCriteria, medianRate } from './scale-summary.js';

/**
 * bench/results/bench.json of a scale run: the first size's results at the top of commandPath
 * (`commandPath.maxSustainedRateVisibleP99Under1s`), every other size under `at<size>`
 * (`commandPath.at100k...`), each with its runs and their per-rate tables; then the query path.
 */

/** 1000 -> '1k', 100000 -> '100k', 2500 -> '2500'. */
export const sizeLabel = (n: number): string => (n % 1000 === 0 ? `${n / 1000}k` : String(n));

function sizeSection(size: SizeRuns, options: ScaleOptions) {
  const completed = size.runs.filter((r) => !r.error);
  return {
    existingProducts: size.existing,
    loadSecondsPerRate: options.seconds,
    offeredRates: options.rates,
    criteria: defaultCriteria,
    visibleProbe: { mode: options.visibleProbe, sampleEvery: options.visibleEvery, pollMs: options.pollMs },
    // The median over the runs that completed; null when none did or none sustained a rate.
    maxSustainedRateVisibleP99Under1s: medianRate(
      completed.map((r) => r.maxSustainedRateVisibleP99Under1s ?? null),
    ),
    maxSustainedRateByRun: size.runs.map((r) =>
      r.error ? 'failed' : (r.maxSustainedRateVisibleP99Under1s ?? null),
    ),
    runs: size.runs,
  };
}

export async function writeScaleResults(result: ScaleResult, options: ScaleOptions): Promise<object> {
  const [first, ...others] = result.sizes.map((size) => sizeSection(size, options));
  const commandPath = {
    mode: 'scale',
    ...first,
    ...Object.fromEntries(others.map((section) => [`at${sizeLabel(section.existingProducts)}`, section])),
  };
  const resourceSamples = result.sampler.samples;
  const summary = {
    ...runHeader(),
    options,
    commandPath,
    queryPath: withShareOfHelloWorld(result.queries),
    // The read path of each size, measured on its last run before the climb (issue 12's figures).
    ...Object.fromEntries(
      result.sizes.map(({ existing }) => [
        `readPathAt${sizeLabel(existing)}`,
        readPath(result.queries.filter((q) => q.existingProducts === existing)),
      ]),
    ),
    resources: resourceSummary(resourceSamples),
  };
  writeResults(resultsDir, { ...summary, series: { backlog: result.backlog, resources: resourceSamples } });
  const charts = await writeCharts(resultsDir, {
    'command-latency': scaleLatencyChart(result.sizes),
    'command-throughput': scaleThroughputChart(result.sizes),
    'command-cpu': cpuPerCommandChart(result.sizes),
    backlog: backlogChart(result.backlog),
    resources: resourcesChart(resourceSamples),
    ...(result.queries.length > 0 && {
      'query-throughput': queryThroughputChart(result.queries),
      'query-latency': queryLatencyChart(result.queries),
    }),
  });
  log(`charts: ${charts.join(', ')}`);
  return summary;
}

/** The headline read figures of one size, each with its share of the bare route at the same concurrency. */
function readPath(points: readonly QueryPoint[]) {
  const shared = withShareOfHelloWorld(points);
  const at = (target: QueryPoint['target'], connections: number) =>
    shared.find((q) => q.target === target && q.connections === connections);
  return {
    getHitRpsAt50Connections: at('get-hit', 50)?.rps ?? null,
    getHitShareOfHelloWorldAt50Connections: at('get-hit', 50)?.shareOfHelloWorld ?? null,
    getHitP99MsAt10Connections: at('get-hit', 10)?.latencyMs.p99 ?? null,
    get404RpsAt50Connections: at('get-404', 50)?.rps ?? null,
    searchP99MsAt10Connections: at('search', 10)?.latencyMs.p99 ?? null,
    searchCommonP99MsAt10Connections: at('search-common', 10)?.latencyMs.p99 ?? null,
    helloWorldRpsAt50Connections: at('hello-world', 50)?.rps ?? null,
    points: shared,
  };
}
