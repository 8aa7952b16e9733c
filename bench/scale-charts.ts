import type { TopLevelSpec } from 'vega-lite';
import type { RunReport } from './scale-run.js';

/**
 * Charts of the scale benchmark, one panel per size of existing products and one line per run:
 * latency by offered rate, throughput by offered rate, CPU seconds per 1000 commands.
 */

export interface SizeRuns {
  readonly existing: number;
  readonly runs: readonly RunReport[];
}

const schema = 'https://vega.github.io/schema/vega-lite/v6.json';
const panel = { width: 360, height: 240 } as const;
const rateAxis = {
  field: 'rate',
  type: 'quantitative',
  title: 'offered creates/s (log)',
  // Not rounded out to powers of ten: the axis spans the offered rates, e.g. 100 to 2000.
  scale: { type: 'log', nice: false },
} as const;
const legend = { title: null, legend: { labelLimit: 280 } } as const;
const sizeFacet = { field: 'existing', type: 'ordinal', title: 'existing products' } as const;

const rows = <T>(sizes: readonly SizeRuns[], map: (point: NonNullable<RunReport['rates']>[number]) => T[]) =>
  sizes.flatMap(({ existing, runs }) =>
    runs.flatMap(({ run, rates = [] }) => rates.flatMap((p) => map(p).map((v) => ({ existing, run, ...v })))),
  );

/** One panel per size, one line per series and run, over the offered rates. */
function linesByRate(title: string, values: readonly object[], y: Record<string, unknown>): TopLevelSpec {
  return {
    $schema: schema,
    title,
    data: { values: [...values] },
    facet: { column: sizeFacet },
    spec: {
      ...panel,
      mark: { type: 'line', point: true },
      encoding: {
        x: rateAxis,
        y,
        color: { field: 'series', type: 'nominal', ...legend },
        detail: { field: 'run', type: 'ordinal' },
      },
    },
  };
}

export function scaleLatencyChart(sizes: readonly SizeRuns[]): TopLevelSpec {
  const values = rows(sizes, (p) =>
    (['p50', 'p99'] as const).flatMap((q) => [
      { rate: p.targetRate, series: `POST ${q}`, ms: p.httpMs[q] },
      { rate: p.targetRate, series: `create->visible ${q}`, ms: p.visibleMs[q] },
    ]),
  );
  return linesByRate(
    'Command path latency by offered rate (open loop; one line per run)',
    values.filter((v) => Number.isFinite(v.ms) && v.ms > 0),
    { field: 'ms', type: 'quantitative', title: 'latency (ms, log)', scale: { type: 'log' } },
  );
}

export function scaleThroughputChart(sizes: readonly SizeRuns[]): TopLevelSpec {
  const values = rows(sizes, (p) => [
    { rate: p.targetRate, series: 'offered', perSecond: p.targetRate },
    { rate: p.targetRate, series: 'accepted by the API', perSecond: p.acceptedPerSecond },
    { rate: p.targetRate, series: 'applied in PostgreSQL', perSecond: p.appliedPerSecond.postgres },
    { rate: p.targetRate, series: 'applied in MongoDB', perSecond: p.appliedPerSecond.mongo },
  ]);
  return linesByRate(
    'Command path throughput by offered rate (over each load window)',
    values.filter((v) => v.perSecond !== null),
    { field: 'perSecond', type: 'quantitative', title: 'creates per second' },
  );
}

export function cpuPerCommandChart(sizes: readonly SizeRuns[]): TopLevelSpec {
  const values = rows(sizes, (p) =>
    Object.entries(p.cpuSecondsPer1000Commands).map(([process, seconds]) => ({
      rate: p.targetRate,
      process,
      seconds,
    })),
  );
  return {
    $schema: schema,
    title: 'CPU seconds per 1000 creates by offered rate (median over runs; load and drain)',
    data: { values },
    facet: { column: sizeFacet },
    spec: {
      ...panel,
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'rate', type: 'ordinal', title: 'offered creates/s', sort: 'ascending' },
        // Side by side, not stacked: medians of parts do not add up to the median of the whole.
        xOffset: { field: 'process', type: 'nominal' },
        y: {
          aggregate: 'median',
          field: 'seconds',
          type: 'quantitative',
          title: 'CPU s per 1000 creates',
          stack: null,
        },
        color: { field: 'process', type: 'nominal', ...legend },
      },
    },
  };
}
