/**
 * Command path benchmark: POST latency under a fixed open-loop rate, and create -> visible latency
 * (POST, then poll GET until the read model has it). Starts its own stack (three service
 * processes on the native infra) and prints one JSON document; also writes it to bench/results/.
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

const stack = await startStack(undefined, 'error');
try {
  // Warm-up: JIT, connections, topic metadata.
  await autocannon({
    url: `${stack.apiUrl}/products`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    duration: 2,
    connections: 10,
  });

  const post = await autocannon({
    url: `${stack.apiUrl}/products`,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    duration: seconds,
    connections: 50,
    overallRate: rate,
  });

  const visibleMs = await createToVisible(Number(values.visible), Number(values.concurrency));

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
