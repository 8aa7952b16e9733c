import { writeFileSync } from 'node:fs';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { BacklogSample } from './metrics-scrape.js';
import type { RatePoint } from './open-loop.js';
import type { QueryPoint } from './query-path.js';
import type { ResourceSample } from './resources.js';

/**
 * Charts of a benchmark run as SVG, rendered by Vega in Node (no browser, no canvas): each chart
 * is a Vega-Lite spec over the same records that go into the JSON results.
 */

type Spec = vegaLite.TopLevelSpec;

export async function renderSvg(spec: Spec): Promise<string> {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 520, height: 260 } as const;

export function commandLatencyChart(points: readonly RatePoint[]): Spec {
  const values = points.flatMap((p) =>
    (['p50', 'p95', 'p99'] as const).flatMap((q) => [
      { rate: p.targetRate, series: `HTTP ${q}`, ms: p.httpMs[q] },
      { rate: p.targetRate, series: `create->visible ${q}`, ms: p.visibleMs[q] },
    ]),
  );
  return {
    ...base,
    title: 'Command path latency by offered rate (open loop)',
    data: { values: values.filter((v) => Number.isFinite(v.ms)) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'rate', type: 'quantitative', title: 'offered creates/s', scale: { type: 'log' } },
      y: { field: 'ms', type: 'quantitative', title: 'latency (ms, log)', scale: { type: 'log' } },
      color: { field: 'series', type: 'nominal', title: null },
      strokeDash: { field: 'series', type: 'nominal', legend: null },
    },
  };
}

export function commandThroughputChart(points: readonly RatePoint[]): Spec {
  const values = points.flatMap((p) => [
    { rate: p.targetRate, series: 'offered', perSecond: p.targetRate },
    { rate: p.targetRate, series: 'accepted by the API', perSecond: p.acceptedPerSecond },
    {
      rate: p.targetRate,
      series: 'applied end to end (accepted / drain time)',
      perSecond: p.drainSeconds ? Math.round((p.accepted / p.drainSeconds) * 10) / 10 : null,
    },
  ]);
  return {
    ...base,
    title: 'Command path throughput',
    data: { values: values.filter((v) => v.perSecond !== null) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'rate', type: 'quantitative', title: 'offered creates/s', scale: { type: 'log' } },
      y: { field: 'perSecond', type: 'quantitative', title: 'per second' },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

export function backlogChart(samples: readonly BacklogSample[]): Spec {
  const values = samples.flatMap((s) => [
    { t: s.t, phase: s.phase, series: 'outbox pending (writer)', messages: s.outboxPending },
    { t: s.t, phase: s.phase, series: 'command lag (writer group)', messages: s.writerLag },
    { t: s.t, phase: s.phase, series: 'event lag (reader group)', messages: s.readerLag },
  ]);
  return {
    ...base,
    width: 720,
    title: 'Backlog over time (scraped from /metrics every 0.5 s; phase = offered rate)',
    data: { values: values.filter((v) => v.messages !== null) },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'seconds since start' },
      y: { field: 'messages', type: 'quantitative', title: 'messages' },
      color: { field: 'series', type: 'nominal', title: null },
      tooltip: [{ field: 'phase' }],
    },
  };
}

const connectionsAxis = {
  field: 'connections',
  type: 'quantitative',
  title: 'concurrent connections',
  scale: { type: 'log' },
} as const;

export function queryThroughputChart(points: readonly QueryPoint[]): Spec {
  return {
    ...base,
    title: 'Query path throughput by concurrency (hello-world = ceiling of this machine)',
    data: { values: points.map((p) => ({ ...p })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: connectionsAxis,
      y: { field: 'rps', type: 'quantitative', title: 'requests/s (log)', scale: { type: 'log' } },
      color: { field: 'target', type: 'nominal', title: null },
    },
  };
}

export function queryLatencyChart(points: readonly QueryPoint[]): Spec {
  const values = points.flatMap((p) =>
    (['p50', 'p99'] as const).map((q) => ({
      connections: p.connections,
      target: p.target,
      quantile: q,
      ms: Math.max(p.latencyMs[q], 0.5),
    })),
  );
  return {
    ...base,
    title: 'Query path latency by concurrency (p50 solid, p99 dashed)',
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: connectionsAxis,
      y: { field: 'ms', type: 'quantitative', title: 'latency (ms, log)', scale: { type: 'log' } },
      color: { field: 'target', type: 'nominal', title: null },
      strokeDash: { field: 'quantile', type: 'nominal', title: null },
      detail: { field: 'quantile' },
    },
  };
}

export function resourcesChart(samples: readonly ResourceSample[]): Spec {
  const encodingX = { field: 't', type: 'quantitative', title: 'seconds since start' } as const;
  return {
    $schema: base.$schema,
    title: 'CPU and memory per process (process tree, from /proc)',
    data: { values: samples.map((s) => ({ ...s })) },
    vconcat: [
      {
        width: 720,
        height: 200,
        mark: { type: 'line' },
        encoding: {
          x: encodingX,
          y: { field: 'cpuPercent', type: 'quantitative', title: 'CPU % of one core' },
          color: { field: 'process', type: 'nominal', title: null },
        },
      },
      {
        width: 720,
        height: 200,
        mark: { type: 'line' },
        encoding: {
          x: encodingX,
          y: { field: 'rssMiB', type: 'quantitative', title: 'RSS (MiB)' },
          color: { field: 'process', type: 'nominal', title: null },
        },
      },
    ],
  };
}

export async function writeCharts(dir: URL, charts: Record<string, Spec>): Promise<string[]> {
  const written: string[] = [];
  for (const [name, spec] of Object.entries(charts)) {
    const file = new URL(`${name}.svg`, dir);
    writeFileSync(file, await renderSvg(spec));
    written.push(file.pathname);
  }
  return written;
}
