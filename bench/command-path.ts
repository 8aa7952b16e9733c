/**
 * Command path benchmark. Starts its own stack (three service processes on the native infra),
 * then measures, in this order:
 * 1. create -> visible latency on an idle system (POST, then poll GET until the read model has it);
 * 2. POST latency under a fixed open-loop rate (autocannon);
 * 3. how long the pipeline takes to make every accepted create of step 2 visible, which gives the
 *    end-to-end throughput the writer, relay and reader sustain.
 * Prints one JSON document and writes it to bench/results/command-path.json.
 *
 *   npm run bench:commands -- [--rate 200] [--seconds 10] [--visible 200]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startStack } from '@cqrs-products/testing';
import autocannon from 'autocannon';
import { percentile, round } from './stats.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    visible: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '10' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const body = JSON.stringify({ name: 'Bench lamp', description: 'A lamp made for benchmarks', price: 9.99 });
// Products of the load phase carry a word of their own, so search can count them.
const loadWord = `load${Date.now().toString(36)}`;
const loadBody = JSON.stringify({
  name: `Lamp ${loadWord}`,
  description: 'A lamp made for benchmarks',
  price: 9.99,
});

const stack = await startStack(undefined, 'error');
try {
  // Warm-up (JIT, connections, topic metadata), then create -> visible on an idle system.
  await createToVisible(50, 5);
  const visibleMs = await createToVisible(Number(values.visible), Number(values.concurrency));

  const loadStarted = performance.now();
  const post = await autocannon({
    url: `${stack.apiUrl}/products`,
    method: 'POST',
    body: loadBody,
    headers: { 'content-type': 'application/json' },
    duration: seconds,
    connections: 50,
    overallRate: rate,
  });
  const drainedAt = await untilVisible(post['2xx'], 120_000);
  const pipelineSeconds = drainedAt === null ? null : (drainedAt - loadStarted) / 1000;

  const result = {
    benchmark: 'command-path',
    date: new Date().toISOString(),
    post: {
      targetRate: rate,
      seconds,
      requests: post.requests.total,
      accepted: post['2xx'],
      rejected: post.non2xx + post.errors + post.timeouts,
      acceptedPerSecond: round(post['2xx'] / seconds, 1),
      latencyMs: { p50: post.latency.p50, p99: post.latency.p99, max: post.latency.max },
    },
    pipeline: {
      // From the first POST of the load phase until every accepted create is visible.
      secondsUntilAllVisible: pipelineSeconds === null ? 'not within 120 s' : round(pipelineSeconds, 1),
      visiblePerSecond: pipelineSeconds === null ? null : round(post['2xx'] / pipelineSeconds, 1),
    },
    createToVisible: {
      products: visibleMs.length,
      concurrency: Number(values.concurrency),
      latencyMs: {
        p50: round(percentile(visibleMs, 50)),
        p99: round(percentile(visibleMs, 99)),
        max: round(Math.max(...visibleMs)),
      },
    },
  };
  const json = JSON.stringify(result, null, 2);
  writeFileSync(new URL('./results/command-path.json', import.meta.url), `${json}\n`);
  console.log(json);
} finally {
  await stack.stop();
}

/** Polls search until it counts `expected` load-phase products; returns when (performance.now()). */
async function untilVisible(expected: number, timeoutMs: number): Promise<number | null> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const response = await fetch(`${stack.apiUrl}/products/search?search=${loadWord}&size=1`);
    const { totalCount } = (await response.json()) as { totalCount: number };
    if (totalCount >= expected) return performance.now();
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

/** Creates `count` products, `concurrency` at a time, timing POST sent -> first GET 200. */
async function createToVisible(count: number, concurrency: number): Promise<number[]> {
  const timings: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next++ < count) {
      const started = performance.now();
      const response = await fetch(`${stack.apiUrl}/products`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      const { productId } = (await response.json()) as { productId: string };
      for (;;) {
        const get = await fetch(`${stack.apiUrl}/products/${productId}`);
        await get.arrayBuffer();
        if (get.status === 200) break;
        if (performance.now() - started > 30_000)
          throw new Error(`product ${productId} not visible after 30 s`);
        await new Promise((r) => setTimeout(r, 2));
      }
      timings.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return timings;
}
