import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, spawnProcess, testEndpoints } from '@cqrs-products/testing';

/** The processes the command-path bench loads (post-path.ts): the gateway as `make up` runs it, and the bare route. */

export interface Running {
  readonly pid: number;
  readonly apiUrl: string;
  readonly metricsUrl?: string;
  stop(): Promise<unknown>;
}

export const topicPrefix = 'postbench_';
const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/** utime + stime of one process, in seconds (USER_HZ 100). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Polls a readiness URL until it answers 200; rejects with the output if the process exits. */
async function untilReady(url: string, exited: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (
    !(await fetch(url).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (exited() || Date.now() > deadline) throw new Error(`gateway not ready at ${url}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The compiled gateway with tracing preloaded, as `make up` runs it. Spawned here rather than by
 * `startServiceProcess` because Node 20 refuses `--cpu-prof` in NODE_OPTIONS.
 */
export async function startGateway(
  profileDir: string | undefined,
  extraEnv: Readonly<Record<string, string>>,
  dir = `${repoRoot}api-gateway`,
): Promise<Running> {
  const [http, probes, metrics] = [await freePort(), await freePort(), await freePort()];
  const service = spawnProcess(
    [
      process.execPath,
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      '--import',
      '@cqrs-products/tracing/register',
      'dist/main.js',
    ],
    {
      cwd: dir,
      env: {
        ...process.env,
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        KAFKA_BROKERS: testEndpoints().kafkaBrokers.join(','),
        KAFKA_TOPIC_PREFIX: topicPrefix,
        HTTP_PORT: String(http),
        PROBES_PORT: String(probes),
        METRICS_PORT: String(metrics),
        // Never called: commands do not touch the reader.
        READER_SERVICE_ADDR: '127.0.0.1:9',
        ...extraEnv,
      },
    },
  );
  try {
    await untilReady(
      `http://127.0.0.1:${probes}/ready`,
      () => service.child.exitCode !== null,
      service.output,
    );
  } catch (error) {
    await service.kill();
    throw error;
  }
  return {
    pid: service.child.pid ?? 0,
    apiUrl: `http://127.0.0.1:${http}/api/v1`,
    metricsUrl: `http://127.0.0.1:${metrics}/metrics`,
    stop: () => service.stop(),
  };
}

export async function startBare(profileDir: string | undefined): Promise<Running> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      '--import',
      'tsx',
      fileURLToPath(new URL('./post-path-bare.ts', import.meta.url)),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  const exited = once(child, 'exit');
  return {
    pid: child.pid ?? 0,
    apiUrl: `http://127.0.0.1:${Number(chunk.toString().trim())}/api/v1`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Sum and count of the gateway's commands-per-request histogram, read now, and the longest event
 * loop delay since the previous scrape (prom-client resets it on each): it tells a stalled gateway
 * from a slow broker when the tail of POST latency grows.
 */
export async function batchCounters(
  metricsUrl: string | undefined,
): Promise<{ sum: number; count: number; eventLoopMaxMs: number }> {
  if (!metricsUrl) return { sum: 0, count: 0, eventLoopMaxMs: 0 };
  const text = await (await fetch(metricsUrl)).text();
  const read = (name: string) =>
    Number(text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm'))?.[1] ?? 0);
  return {
    sum: read('kafka_producer_batch_messages_sum'),
    count: read('kafka_producer_batch_messages_count'),
    eventLoopMaxMs: read('nodejs_eventloop_lag_max_seconds') * 1000,
  };
}
