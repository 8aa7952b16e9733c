import { jsonClient } from '@cqrs-products/testing';
import { percentile, round } from './stats.js';
import { type Follow, followByGet } from './visibility-probe.js';

/**
 * Open-loop load of creates: requests leave on a fixed schedule whatever the answers, as
 * independent clients would send them, so a slow system cannot slow the load down and hide its
 * own latency (coordinated omission). HTTP latency is measured from the scheduled send time.
 * Every n-th accepted create is followed until the read model has it (create -> visible).
 *
 * Why not autocannon here (it drives the query path): its fixed-rate mode gives each connection
 * a budget of requests per second, refilled by a one-second timer, so every connection fires its
 * budget at the start of each second. Tried with `overallRate`: at 50 creates/s the bursts alone
 * made the POST p50 151 ms, against 7 ms with evenly spaced requests. wrk2, the usual open-loop
 * tool, is not packaged by Debian.
 */

export interface RatePoint {
  readonly targetRate: number;
  readonly seconds: number;
  readonly sent: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly acceptedPerSecond: number;
  readonly httpMs: Percentiles;
  readonly visibleMs: Percentiles & { readonly samples: number; readonly notVisible: number };
  /** From the first request until every sampled create was visible and the backlog was 0. */
  readonly drainSeconds: number | null;
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export const percentiles = (values: readonly number[]): Percentiles => ({
  p50: round(percentile(values, 50)),
  p95: round(percentile(values, 95)),
  p99: round(percentile(values, 99)),
});

export interface OpenLoopOptions {
  readonly apiUrl: string;
  readonly rate: number;
  readonly seconds: number;
  /** Which accepted creates are followed until visible: about this many per rate, or every n-th. */
  readonly visible: { readonly samples: number } | { readonly every: number };
  readonly visibleTimeoutMs: number;
  /** How a sampled create is followed; by default GET polling (visibility-probe.ts). */
  readonly follow?: Follow;
  readonly word: string;
}

export interface OpenLoopResult {
  readonly point: Omit<RatePoint, 'drainSeconds'>;
  /** Every accepted product id (the query phase reads them). */
  readonly productIds: string[];
  /** Resolves when every sampled create is visible (or timed out). */
  readonly visibleDone: Promise<void>;
}

export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { apiUrl, rate, seconds } = options;
  const total = Math.round(rate * seconds);
  const every = Math.max(
    1,
    'every' in options.visible ? options.visible.every : Math.floor(total / options.visible.samples),
  );
  const followVisible = options.follow ?? followByGet({ apiUrl, timeoutMs: options.visibleTimeoutMs }).follow;
  const body = {
    name: `Lamp ${options.word}`,
    description: 'open-loop benchmark',
    price: 9.99,
  };
  const httpMs: number[] = [];
  const visibleMs: number[] = [];
  const productIds: string[] = [];
  const following: Promise<void>[] = [];
  let accepted = 0;
  let rejected = 0;
  let notVisible = 0;

  const follow = async (productId: string, sentAt: number) => {
    const ms = await followVisible(productId, sentAt);
    if (ms === undefined) notVisible++;
    else visibleMs.push(ms);
  };

  const send = async (i: number, scheduledAt: number) => {
    try {
      const response = await sendJson(`${apiUrl}/products`, 'POST', body);
      const answer = response.body as { productId?: string };
      httpMs.push(performance.now() - scheduledAt);
      if (response.status !== 201 || !answer?.productId) {
        rejected++;
        return;
      }
      accepted++;
      productIds.push(answer.productId);
      if (i % every === 0) following.push(follow(answer.productId, scheduledAt));
    } catch {
      httpMs.push(performance.now() - scheduledAt);
      rejected++;
    }
  };

  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const scheduledAt = started + (i * 1000) / rate;
    const wait = scheduledAt - performance.now();
    // Timers are coarse (~1 ms); requests due in the same millisecond leave together.
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(send(i, scheduledAt));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;

  const visibleDone = Promise.all(following).then(() => undefined);
  return {
    productIds,
    visibleDone,
    get point() {
      return {
        targetRate: rate,
        seconds,
        sent: total,
        accepted,
        rejected,
        acceptedPerSecond: round(accepted / Math.max(elapsed, seconds), 1),
        httpMs: percentiles(httpMs),
        visibleMs: { ...percentiles(visibleMs), samples: visibleMs.length, notVisible },
      };
    },
  };
}

// Bounded keep-alive connections (json-client.ts says why): at 2000/s fetch's unbounded pool ran
// the process out of file descriptors and ended the benchmark.
const sendJson = jsonClient({ maxSockets: 512 });
