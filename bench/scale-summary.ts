import type { ResourceSample } from './resources.js';
import { round } from './stats.js';

/**
 * The pure arithmetic of the scale benchmark: when a rate counts as sustained, when the climb
 * stops, the max sustained rate of a run, the median over runs, and per-window resource totals.
 */

export interface RateOutcome {
  readonly targetRate: number;
  readonly acceptedPerSecond: number;
  readonly visibleMs: { readonly p99: number; readonly samples: number; readonly notVisible: number };
}

export interface Criteria {
  /** Sustained: create->visible p99 under this... */
  readonly visibleP99Ms: number;
  /** ...and at least this share of the offered rate accepted (201). */
  readonly minAcceptedShare: number;
  /** The climb stops when the API accepts less than this share of the offered rate... */
  readonly failAcceptedShare: number;
  /** ...or create->visible p99 exceeds this. */
  readonly failVisibleP99Ms: number;
}

export const defaultCriteria: Criteria = {
  visibleP99Ms: 1_000,
  minAcceptedShare: 0.95,
  failAcceptedShare: 0.8,
  failVisibleP99Ms: 10_000,
};

export function isSustained(point: RateOutcome, criteria: Criteria = defaultCriteria): boolean {
  const { visibleMs } = point;
  return (
    visibleMs.samples > 0 &&
    visibleMs.notVisible === 0 &&
    visibleMs.p99 < criteria.visibleP99Ms &&
    point.acceptedPerSecond >= criteria.minAcceptedShare * point.targetRate
  );
}

/** Why the climb stops at this rate, or null to go on to the next one. */
export function failureOf(point: RateOutcome, criteria: Criteria = defaultCriteria): string | null {
  const { visibleMs } = point;
  const share = point.acceptedPerSecond / point.targetRate;
  if (share < criteria.failAcceptedShare)
    return `accepted ${round(point.acceptedPerSecond, 1)}/s, ${round(share * 100, 1)}% of the offered ${point.targetRate}/s`;
  if (visibleMs.notVisible > 0)
    return `${visibleMs.notVisible} of ${visibleMs.samples + visibleMs.notVisible} sampled creates not visible in time`;
  if (!(visibleMs.p99 <= criteria.failVisibleP99Ms))
    return `create->visible p99 ${visibleMs.p99} ms > ${criteria.failVisibleP99Ms} ms`;
  return null;
}

/**
 * The highest offered rate that was sustained with every lower rate sustained too: a rate that
 * passes after a lower one failed is noise, not capacity. Null when the lowest rate failed.
 */
export function maxSustainedRate(points: readonly RateOutcome[], criteria: Criteria = defaultCriteria) {
  let best: number | null = null;
  for (const point of [...points].sort((a, b) => a.targetRate - b.targetRate)) {
    if (!isSustained(point, criteria)) break;
    best = point.targetRate;
  }
  return best;
}

/**
 * Median of the runs' results, a run without a sustained rate counting as the lowest. With an even
 * count, the lower middle: the answer stays a rate that some run really sustained.
 */
export function medianRate(values: readonly (number | null)[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => (a ?? -1) - (b ?? -1));
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

/** CPU seconds per 1000 commands of each process over a window, from two cumulative readings. */
export function cpuPer1000(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
  commands: number,
): Record<string, number> {
  if (commands <= 0) return {};
  return Object.fromEntries(
    Object.entries(after)
      .filter(([name]) => before[name] !== undefined)
      .map(([name, seconds]) => [name, round(((seconds - (before[name] as number)) / commands) * 1000, 3)]),
  );
}

/** The largest RSS of each process among the samples taken in [from, to] (seconds, sampler clock). */
export function rssMaxIn(
  samples: readonly ResourceSample[],
  from: number,
  to: number,
): Record<string, number> {
  const max: Record<string, number> = {};
  for (const s of samples)
    if (s.t >= from && s.t <= to) max[s.process] = Math.max(max[s.process] ?? 0, s.rssMiB);
  return max;
}
