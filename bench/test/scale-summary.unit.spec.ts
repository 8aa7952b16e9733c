import { describe, expect, it } from 'vitest';
import type { ResourceSample } from '../resources.js';
import { parseScaleOptions } from '../scale-options.js';
import { sizeLabel } from '../scale-report.js';
import {
  cpuPer1000,
  failureOf,
  isSustained,
  maxSustainedRate,
  medianRate,
  type RateOutcome,
  rssMaxIn,
} from '../scale-summary.js';

const point = (targetRate: number, p99: number, accepted = targetRate, notVisible = 0): RateOutcome => ({
  targetRate,
  acceptedPerSecond: accepted,
  visibleMs: { p99, samples: 20, notVisible },
});

describe('scale benchmark arithmetic', () => {
  it('counts a rate as sustained only with visible p99 under 1 s and 95% accepted', () => {
    expect(isSustained(point(100, 999))).toBe(true);
    expect(isSustained(point(100, 1000))).toBe(false);
    expect(isSustained(point(100, 200, 94))).toBe(false);
    expect(isSustained(point(100, 200, 100, 1))).toBe(false);
    expect(
      isSustained({ ...point(100, 200), visibleMs: { p99: Number.NaN, samples: 0, notVisible: 0 } }),
    ).toBe(false);
  });

  it('stops the climb below 80% accepted, on a sample never visible, or visible p99 over 10 s', () => {
    expect(failureOf(point(1000, 5000))).toBeNull();
    expect(failureOf(point(1000, 200, 790))).toMatch(/accepted 790\/s, 79% of the offered 1000\/s/);
    expect(failureOf(point(1000, 200, 1000, 2))).toMatch(/2 of 22 sampled creates not visible/);
    expect(failureOf(point(1000, 10_001))).toMatch(/p99 10001 ms > 10000 ms/);
  });

  it('takes the highest rate sustained with every lower rate sustained too', () => {
    expect(maxSustainedRate([point(500, 300), point(100, 50), point(250, 80)])).toBe(500);
    expect(maxSustainedRate([point(100, 50), point(250, 1500), point(500, 300)])).toBe(100);
    expect(maxSustainedRate([point(100, 1500)])).toBeNull();
  });

  it('takes the median of runs, a run without a sustained rate counting lowest', () => {
    expect(medianRate([500, 250, 1000])).toBe(500);
    expect(medianRate([null, 250, 1000])).toBe(250);
    expect(medianRate([null, null, 1000])).toBeNull();
    expect(medianRate([250, 500])).toBe(250);
    expect(medianRate([])).toBeNull();
  });

  it('gives CPU seconds per 1000 commands and the largest RSS within a window', () => {
    expect(cpuPer1000({ writer: 10, kafka: 5 }, { writer: 12, kafka: 5.5, late: 1 }, 500)).toEqual({
      writer: 4,
      kafka: 1,
    });
    expect(cpuPer1000({ writer: 1 }, { writer: 2 }, 0)).toEqual({});
    const samples: ResourceSample[] = [
      { t: 1, process: 'writer', cpuPercent: 10, rssMiB: 300 },
      { t: 2, process: 'writer', cpuPercent: 10, rssMiB: 120 },
      { t: 3, process: 'writer', cpuPercent: 10, rssMiB: 150 },
      { t: 3, process: 'reader', cpuPercent: 10, rssMiB: 90 },
    ];
    expect(rssMaxIn(samples, 2, 3)).toEqual({ writer: 150, reader: 90 });
  });

  it('labels sizes as the JSON keys name them (commandPath.at100k)', () => {
    expect(sizeLabel(100_000)).toBe('100k');
    expect(sizeLabel(1000)).toBe('1k');
    expect(sizeLabel(2500)).toBe('2500');
  });

  it('defaults to the full benchmark and rejects a poll interval under 10 ms', () => {
    const options = parseScaleOptions({});
    expect(options.existing).toEqual([1000, 100_000]);
    expect(options.rates).toEqual([100, 250, 500, 1000, 2000]);
    expect(options.seconds).toBe(30);
    expect(options.runs).toBe(3);
    expect(options.visibleEvery).toBe(20);
    expect(parseScaleOptions({ existing: '2000', rates: '100,50', seconds: '5' })).toMatchObject({
      existing: [2000],
      rates: [50, 100],
      seconds: 5,
    });
    expect(() => parseScaleOptions({ 'poll-ms': '5' })).toThrow(/--poll-ms/);
  });
});
