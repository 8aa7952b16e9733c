import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Endpoints, infraHome, testEndpoints } from '@cqrs-products/testing';
import { Redis } from 'ioredis';
import { benchDataName, countBenchData, dropBenchData } from './bench-data.js';
import { type BacklogSample, startBacklogScraper, untilDrained } from './metrics-scrape.js';
import { runOpenLoop } from './open-loop.js';
import type { ProfileSummary } from './post-path-profile.js';
import { type QueryPoint, runQueryPath } from './query-path.js';
import { type LadderResult, runLadder } from './rate-ladder.js';
import { type ResourceSampler, startResourceSampler, watchInfraServers } from './resources.js';
import { log } from './results.js';
import { nowUs, profileArgs, withProfiles } from './scale-profiles.js';
import { startScaleStack } from './scale-stack.js';
import { defaultCriteria, maxSustainedRate } from './scale-summary.js';
import { type SeedResult, seedProducts } from './seed.js';
import { followByGet, followByRedis, type VisibilityProbe } from './visibility-probe.js';

/**
 * The scale benchmark (`npm run bench -- --scale`): for each size of existing products, `runs`
 * times: make sure the kept database of that size holds it (seed or reuse), then climb the
 * offered create rates. The query path runs once at the end, on the largest size.
 */

export interface ScaleOptions {
  readonly existing: readonly number[];
  readonly rates: readonly number[];
  readonly seconds: number;
  readonly runs: number;
  readonly visibleEvery: number;
  readonly visibleProbe: 'redis' | 'get';
  readonly pollMs: number;
  readonly drainTimeoutMs: number;
  readonly seedBatch: number;
  readonly seedTimeoutMs: number;
  readonly reuseFactor: number;
  readonly partitions: number;
  readonly concurrency: readonly number[];
  readonly querySeconds: number;
  /** CPU profiles of the three services over the climb (--cpu-prof), summarised in the run's report. */
  readonly cpuProf: boolean;
}

export interface RunReport {
  readonly run: number;
  /** Why the kept database was dropped before this run (null: reused or created). */
  readonly resetBecause: string | null;
  readonly seed?: SeedResult;
  readonly maxSustainedRateVisibleP99Under1s?: number | null;
  readonly stoppedAt?: LadderResult['stoppedAt'];
  readonly rates?: LadderResult['rates'];
  /** The run could not complete (e.g. seeding timed out); the size's later runs are skipped. */
  readonly error?: string;
  /** With --cpu-prof: each service's profile over the climb (load and drain of every rate). */
  readonly profiles?: { readonly dir: string; readonly services: Record<string, ProfileSummary> };
}

export interface ScaleResult {
  readonly sizes: { readonly existing: number; readonly runs: RunReport[] }[];
  readonly queries: QueryPoint[];
  readonly backlog: (BacklogSample & { readonly existing: number; readonly run: number })[];
  readonly sampler: ResourceSampler;
}

const repoRoot = fileURLToPath(new URL('../', import.meta.url));

export async function runScale(options: ScaleOptions): Promise<ScaleResult> {
  // The services run compiled (see scale-stack.ts): build them from the current sources first.
  execFileSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const endpoints = testEndpoints();
  const sampler = startResourceSampler();
  watchInfraServers(sampler, infraHome());
  const result: ScaleResult = { sizes: [], queries: [], backlog: [], sampler };
  try {
    for (const existing of options.existing) {
      const runs: RunReport[] = [];
      result.sizes.push({ existing, runs });
      for (let run = 1; run <= options.runs; run++) {
        const queryAfter = run === options.runs;
        const report = await oneRun({ options, endpoints, existing, run, queryAfter, result });
        runs.push(report);
        if (report.error) break;
      }
    }
  } finally {
    sampler.stop();
  }
  return result;
}

interface RunContext {
  readonly options: ScaleOptions;
  readonly endpoints: Endpoints;
  readonly existing: number;
  readonly run: number;
  readonly queryAfter: boolean;
  readonly result: ScaleResult;
}

async function oneRun({
  options,
  endpoints,
  existing,
  run,
  queryAfter,
  result,
}: RunContext): Promise<RunReport> {
  const name = benchDataName(existing);
  const phase = `${existing} existing, run ${run}`;
  log(`${phase}: database ${name}`);
  // A kept database that earlier climbs grew far past the size would measure another size.
  const before = await countBenchData(endpoints, name);
  const limit = Math.floor(existing * options.reuseFactor);
  const resetBecause =
    before.postgres > limit
      ? `it held ${before.postgres} products, more than ${limit} (--reuse-factor)`
      : null;
  if (resetBecause) {
    log(`${phase}: dropping ${name}: ${resetBecause}`);
    await dropBenchData(endpoints, name);
  }

  const profiles = profileArgs(options.cpuProf);
  const stack = await startScaleStack(endpoints, name, {
    partitions: options.partitions,
    logLevel: 'error',
    nodeArgs: profiles.nodeArgs,
  });
  let climb: { fromUs: number; toUs: number } | undefined;
  let report: RunReport;
  for (const [service, process] of Object.entries(stack.services))
    if (process.child.pid) result.sampler.watch(service, process.child.pid);
  const offset = result.sampler.now();
  const backlog = startBacklogScraper({
    writer: stack.metricsUrls['writer-service'],
    reader: stack.metricsUrls['reader-service'],
  });
  const redis = new Redis(endpoints.redisUrl);
  const probe: VisibilityProbe =
    options.visibleProbe === 'redis'
      ? followByRedis({
          apiUrl: stack.apiUrl,
          redis,
          keyPrefix: stack.redisKeyPrefix,
          timeoutMs: options.drainTimeoutMs,
          tickMs: options.pollMs,
        })
      : followByGet({
          apiUrl: stack.apiUrl,
          timeoutMs: options.drainTimeoutMs,
          minIntervalMs: options.pollMs,
          growth: 1 / 10,
        });
  try {
    backlog.setPhase(`${phase} seed`);
    const seed = await seedProducts({
      stack,
      kafkaBrokers: endpoints.kafkaBrokers,
      mongoUri: endpoints.mongoUri,
      target: existing,
      batchSize: options.seedBatch,
      timeoutMs: options.seedTimeoutMs,
      log,
    });
    log(`${phase}: seed ${JSON.stringify(seed)}`);

    const word = `bench${Date.now().toString(36)}`;
    backlog.setPhase(`${phase} warm-up`);
    const warm = await runOpenLoop({
      apiUrl: stack.apiUrl,
      rate: 20,
      seconds: 2,
      visible: { every: 10 },
      visibleTimeoutMs: options.drainTimeoutMs,
      follow: probe.follow,
      word,
    });
    await warm.visibleDone;
    await untilDrained(backlog, options.drainTimeoutMs);

    // The read path where the size says, before the climb adds its own products.
    if (queryAfter && options.querySeconds > 0) {
      backlog.setPhase(`${phase} queries`);
      log(`${phase}: query path`);
      result.queries.push(
        ...(
          await runQueryPath({
            apiUrl: stack.apiUrl,
            readerMetricsUrl: stack.metricsUrls['reader-service'],
            productIds: warm.productIds,
            searchWord: word,
            commonWord: 'benchmark',
            concurrency: options.concurrency,
            seconds: options.querySeconds,
          })
        ).map((point) => ({ ...point, existingProducts: existing })),
      );
    }

    const fromUs = nowUs();
    const ladder = await runLadder({
      stack,
      rates: options.rates,
      seconds: options.seconds,
      visibleEvery: options.visibleEvery,
      drainTimeoutMs: options.drainTimeoutMs,
      probe,
      sampler: result.sampler,
      backlog,
      criteria: defaultCriteria,
      phase,
      word,
      log,
    });

    climb = { fromUs, toUs: nowUs() };
    report = {
      run,
      resetBecause,
      seed,
      maxSustainedRateVisibleP99Under1s: maxSustainedRate(ladder.rates, defaultCriteria),
      stoppedAt: ladder.stoppedAt,
      rates: ladder.rates,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${phase}: failed: ${message}`);
    report = { run, resetBecause, error: message };
  } finally {
    probe.close();
    redis.disconnect();
    for (const s of backlog.stop())
      result.backlog.push({ ...s, t: Math.round((s.t + offset) * 10) / 10, existing, run });
    await stack.stop();
  }
  // Written by each service as it exits, so only now.
  return withProfiles(report, profiles.dir, climb);
}
