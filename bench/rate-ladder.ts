import { countPostgres } from './bench-data.js';
import { type BacklogScraper, untilDrained } from './metrics-scrape.js';
import { type RatePoint, runOpenLoop } from './open-loop.js';
import type { ResourceSampler } from './resources.js';
import type { ScaleStack } from './scale-stack.js';
import { type Criteria, cpuPer1000, failureOf, isSustained, rssMaxIn } from './scale-summary.js';
import { readerCreatesApplied } from './seed.js';
import { round } from './stats.js';
import type { ProbeCounters, VisibilityProbe } from './visibility-probe.js';

/**
 * One climb of the scale benchmark: open-loop creates through the REST API at each offered rate
 * in turn, then a bounded wait until the pipeline has drained, so one rate's backlog does not
 * count against the next. Stops climbing at the first rate that clearly fails.
 */

export interface ScaleRatePoint extends RatePoint {
  /** Products in PostgreSQL when this rate started (the seed plus every earlier rate's creates). */
  readonly existingAtStart: number;
  /** Seconds from the first request until the last answer. */
  readonly loadSeconds: number;
  /** Creates committed (PostgreSQL count) and projected (the reader's counter) per second. */
  readonly appliedPerSecond: {
    readonly postgres: number;
    readonly mongo: number | null;
    /** Over the load and the drain after it: what the pipeline got through in all. */
    readonly postgresWithDrain: number;
    readonly mongoWithDrain: number | null;
  };
  /** Whether the backlog reached 0 within the drain timeout. */
  readonly drained: boolean;
  /** CPU seconds per 1000 accepted creates, load and drain, per service and server. */
  readonly cpuSecondsPer1000Commands: Record<string, number>;
  readonly rssMiBMax: Record<string, number>;
  readonly probe: ProbeCounters & { readonly perSecond: number };
  readonly sustained: boolean;
}

export interface LadderOptions {
  readonly stack: ScaleStack;
  readonly rates: readonly number[];
  readonly seconds: number;
  readonly visibleEvery: number;
  /** How long after the load the backlog may take to drain (sampled creates: after their send). */
  readonly drainTimeoutMs: number;
  readonly probe: VisibilityProbe;
  readonly sampler: ResourceSampler;
  readonly backlog: BacklogScraper;
  readonly criteria: Criteria;
  readonly phase: string;
  readonly word: string;
  readonly log: (message: string) => void;
}

export interface LadderResult {
  readonly rates: ScaleRatePoint[];
  readonly stoppedAt: { readonly rate: number; readonly reason: string } | null;
  readonly productIds: string[];
}

export async function runLadder(options: LadderOptions): Promise<LadderResult> {
  const { stack, sampler, backlog, probe, log } = options;
  const rates: ScaleRatePoint[] = [];
  const productIds: string[] = [];
  for (const rate of options.rates) {
    log(`${options.phase}: ${rate}/s for ${options.seconds} s`);
    backlog.setPhase(`${options.phase} ${rate}/s`);
    probe.takeCounters();
    const before = {
      postgres: await countPostgres(stack.pool),
      mongo: await readerCreatesApplied(stack),
      cpu: sampler.cpuSeconds(),
      t: sampler.now(),
    };
    const started = performance.now();
    const run = await runOpenLoop({
      apiUrl: stack.apiUrl,
      rate,
      seconds: options.seconds,
      visible: { every: options.visibleEvery },
      visibleTimeoutMs: options.drainTimeoutMs,
      follow: probe.follow,
      word: options.word,
    });
    const loadEnd = performance.now();
    const loadSeconds = (loadEnd - started) / 1000;
    const afterLoad = { postgres: await countPostgres(stack.pool), mongo: await readerCreatesApplied(stack) };

    backlog.setPhase(`${options.phase} ${rate}/s drain`);
    await run.visibleDone;
    // Bounded from the end of the load; the samples' own timeout runs from their send.
    const drained = await untilDrained(backlog, options.drainTimeoutMs - (performance.now() - loadEnd));
    const allSeconds = (performance.now() - started) / 1000;
    const after = {
      postgres: await countPostgres(stack.pool),
      mongo: await readerCreatesApplied(stack),
      cpu: sampler.cpuSeconds(),
      t: sampler.now(),
    };
    const perSecond = (from: number | null, to: number | null, seconds: number) =>
      from === null || to === null ? null : round((to - from) / seconds, 1);
    const counters = probe.takeCounters();
    const point = run.point;
    const ratePoint: ScaleRatePoint = {
      ...point,
      drainSeconds: drained ? round(allSeconds, 1) : null,
      existingAtStart: before.postgres,
      loadSeconds: round(loadSeconds, 1),
      appliedPerSecond: {
        postgres: perSecond(before.postgres, afterLoad.postgres, loadSeconds) ?? 0,
        mongo: perSecond(before.mongo, afterLoad.mongo, loadSeconds),
        postgresWithDrain: perSecond(before.postgres, after.postgres, allSeconds) ?? 0,
        mongoWithDrain: perSecond(before.mongo, after.mongo, allSeconds),
      },
      drained,
      cpuSecondsPer1000Commands: cpuPer1000(before.cpu, after.cpu, point.accepted),
      rssMiBMax: rssMaxIn(sampler.samples, before.t, after.t),
      probe: { ...counters, perSecond: round((counters.gets + counters.redisChecks) / allSeconds, 1) },
      sustained: isSustained(point, options.criteria),
    };
    rates.push(ratePoint);
    productIds.push(...run.productIds);
    log(
      `  accepted ${point.acceptedPerSecond}/s, POST p50/p99 ${point.httpMs.p50}/${point.httpMs.p99} ms, ` +
        `visible p50/p99 ${point.visibleMs.p50}/${point.visibleMs.p99} ms (${point.visibleMs.samples} samples, ` +
        `${point.visibleMs.notVisible} not visible), applied/s pg ${ratePoint.appliedPerSecond.postgres} ` +
        `mongo ${ratePoint.appliedPerSecond.mongo}, drained ${drained}`,
    );
    const reason = failureOf(point, options.criteria);
    if (reason) {
      log(`  stop climbing: ${reason}`);
      return { rates, stoppedAt: { rate, reason }, productIds };
    }
  }
  return { rates, stoppedAt: null, productIds };
}
