import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { productTopics } from '@cqrs-products/contracts';
import { createKafka, ensureTopics } from '@cqrs-products/kafka';
import { infraHome, testEndpoints } from '@cqrs-products/testing';
import { runOpenLoop } from './open-loop.js';
import { type ProfileSummary, readProfile, summariseProfile } from './post-path-profile.js';
import { batchCounters, cpuSeconds, startBare, startGateway, topicPrefix } from './post-path-targets.js';
import { pidFromFile } from './resources.js';
import { log, resultsDir, runHeader } from './results.js';
import { percentile, round } from './stats.js';

/**
 * The gateway's command path alone (`npm run bench -- --post-path`): the compiled gateway, as
 * `make up` runs it, against Kafka and nothing else (no writer, reader or databases sharing the
 * cores), driven by open-loop creates at fixed rates. In the same run, a bare Fastify route that
 * parses the same body (post-path-bare.ts) takes the same load, so the ratio between the two
 * means something on a machine whose load swings. With `--cpu-prof` both run under V8's
 * profiler and each rate's window is summarised (post-path-profile.ts).
 */

export interface PostPathOptions {
  readonly rates: readonly number[];
  readonly seconds: number;
  readonly runs: number;
  readonly cpuProf: boolean;
  /** Names the results file: bench/results/post-path-<label>.json. */
  readonly label: string;
  readonly targets: readonly Target[];
  /** Extra environment of the gateway, for A/B runs of one setting (e.g. KAFKA_PRODUCER_LINGER_MS). */
  readonly gatewayEnv: Readonly<Record<string, string>>;
  readonly baselineDir?: string;
}

/** `baseline`: another build of the gateway (`--baseline <dir>`, a copy of api-gateway with its dist), for A/B in one run. */
export type Target = 'gateway' | 'baseline' | 'bare';

const quiet = { error() {}, warn() {}, info() {}, debug() {} };

const kafkaPid = pidFromFile(join(infraHome(), 'run/kafka.pid'));

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

interface Point {
  readonly run: number;
  readonly target: Target;
  readonly rate: number;
  readonly acceptedPerSecond: number;
  readonly rejected: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Percent of one core over the window. */
  readonly cpuPercent: number;
  readonly cpuUsPerRequest: number;
  /** The broker's CPU over the window (percent of one core): its share of the command path. */
  readonly kafkaCpuPercent?: number;
  /** The gateway's longest event-loop delay in the window. */
  readonly eventLoopMaxMs?: number;
  /** Commands per Kafka produce request (gateway only). */
  readonly commandsPerBatch?: number;
  readonly loadAverage1m: number;
  readonly profile?: ProfileSummary;
}

async function measureTarget(target: Target, run: number, options: PostPathOptions): Promise<Point[]> {
  const profileDir = options.cpuProf ? mkdtempSync(join(tmpdir(), `post-path-${target}-`)) : undefined;
  const running = await (target === 'bare'
    ? startBare(profileDir)
    : startGateway(profileDir, options.gatewayEnv, target === 'baseline' ? options.baselineDir : undefined));
  const word = `post${Date.now().toString(36)}`;
  const load = (rate: number, seconds: number) =>
    runOpenLoop({
      apiUrl: running.apiUrl,
      rate,
      seconds,
      // Nothing is followed: there is no writer or reader behind the gateway here.
      visible: { every: Number.MAX_SAFE_INTEGER },
      follow: async () => 0,
      visibleTimeoutMs: 0,
      word,
    });
  const points: (Omit<Point, 'profile'> & { window: { fromUs: number; toUs: number } })[] = [];
  try {
    // Connections, JIT and the producer's metadata warm before anything counts.
    await load(300, 2);
    for (const rate of options.rates) {
      await new Promise((r) => setTimeout(r, 1_000));
      const kafka0 = kafkaPid ? cpuSeconds(kafkaPid) : 0;
      const [cpu0, batches0, fromUs] = [
        cpuSeconds(running.pid),
        await batchCounters(running.metricsUrl),
        nowUs(),
      ];
      const { point } = await load(rate, options.seconds);
      const [toUs, cpu1, batches1] = [
        nowUs(),
        cpuSeconds(running.pid),
        await batchCounters(running.metricsUrl),
      ];
      const seconds = (toUs - fromUs) / 1e6;
      const kafka1 = kafkaPid ? cpuSeconds(kafkaPid) : 0;
      const batches = batches1.count - batches0.count;
      points.push({
        run,
        target,
        rate,
        acceptedPerSecond: point.acceptedPerSecond,
        rejected: point.rejected,
        p50Ms: point.httpMs.p50,
        p99Ms: point.httpMs.p99,
        cpuPercent: round((100 * (cpu1 - cpu0)) / seconds, 1),
        cpuUsPerRequest: round(((cpu1 - cpu0) * 1e6) / Math.max(point.accepted, 1), 1),
        ...(kafkaPid && { kafkaCpuPercent: round((100 * (kafka1 - kafka0)) / seconds, 1) }),
        ...(running.metricsUrl && { eventLoopMaxMs: round(batches1.eventLoopMaxMs, 1) }),
        ...(batches > 0 && { commandsPerBatch: round((batches1.sum - batches0.sum) / batches, 1) }),
        loadAverage1m: round(loadavg()[0] ?? 0, 2),
        window: { fromUs, toUs },
      });
      log(`${target} run ${run} ${rate}/s: ${JSON.stringify(points.at(-1))}`);
    }
  } finally {
    await running.stop();
  }
  if (!profileDir) return points.map(({ window: _, ...point }) => point);
  const profile = readProfile(profileDir);
  return points.map(({ window, ...point }) => ({ ...point, profile: summariseProfile(profile, window) }));
}

const median = (values: readonly number[]) => round(percentile(values, 50), 2);

/** Per target and rate, the median over runs; ratios are taken within each run, then their median. */
function summarise(points: readonly Point[], options: PostPathOptions) {
  const of = (target: Target, rate: number) => points.filter((p) => p.target === target && p.rate === rate);
  const stats = (list: readonly Point[]) =>
    list.length === 0
      ? undefined
      : {
          acceptedPerSecond: median(list.map((p) => p.acceptedPerSecond)),
          p50Ms: median(list.map((p) => p.p50Ms)),
          p99Ms: median(list.map((p) => p.p99Ms)),
          cpuPercent: median(list.map((p) => p.cpuPercent)),
          cpuUsPerRequest: median(list.map((p) => p.cpuUsPerRequest)),
          kafkaCpuPercent: median(list.map((p) => p.kafkaCpuPercent ?? 0)),
          commandsPerBatch: median(list.map((p) => p.commandsPerBatch ?? 0)),
        };
  return options.rates.map((rate) => {
    // Within one run, then the median of those ratios: the machine's load moves both alike.
    const ratio = (over: Target, pick: (p: Point) => number) =>
      median(
        of('gateway', rate).flatMap((g) => {
          const o = of(over, rate).find((p) => p.run === g.run);
          return o && pick(o) > 0 ? [round(pick(g) / pick(o), 2)] : [];
        }),
      );
    const ratios = (over: Target) => ({
      cpuUsPerRequest: ratio(over, (p) => p.cpuUsPerRequest),
      p99Ms: ratio(over, (p) => p.p99Ms),
    });
    return {
      rate,
      gateway: stats(of('gateway', rate)),
      baseline: stats(of('baseline', rate)),
      bare: stats(of('bare', rate)),
      gatewayOverBare: ratios('bare'),
      gatewayOverBaseline: ratios('baseline'),
      loadAverage1m: points.filter((p) => p.rate === rate).map((p) => p.loadAverage1m),
    };
  });
}

export async function runPostPath(options: PostPathOptions) {
  const kafka = createKafka({ brokers: testEndpoints().kafkaBrokers, clientId: 'bench-post-path' }, quiet);
  await ensureTopics(kafka, Object.values(productTopics(topicPrefix).commands), {
    partitions: 10,
    replicationFactor: 1,
  });
  const points: Point[] = [];
  for (let run = 1; run <= options.runs; run++) {
    // Alternating which goes first, so a machine getting busier does not favour one of them.
    const order = run % 2 === 1 ? options.targets : [...options.targets].reverse();
    for (const target of order) points.push(...(await measureTarget(target, run, options)));
  }
  const results = { ...runHeader(), options, summary: summarise(points, options), points };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    new URL(`post-path-${options.label}.json`, resultsDir),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  return results.summary;
}
