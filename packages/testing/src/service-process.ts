import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

// As `npm run dev` runs it: TypeScript sources, with tracing preloaded like in production.
const entry = [
  '--conditions=source',
  '--import',
  'tsx',
  '--import',
  '@cqrs-products/tracing/register',
  'src/main.ts',
];

// As `make up` and the images run it: the compiled JavaScript (after `npm run build`).
const compiledEntry = ['--import', '@cqrs-products/tracing/register', 'dist/main.js'];

/**
 * Runs a service's real entry point from its TypeScript sources (as `npm run dev` does) and
 * waits for it to exit; for start-up behaviour that ends the process, such as a bad config.
 */
export function runServiceMainToExit(
  serviceDir: string,
  env: Record<string, string>,
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, entry, {
    cwd: serviceDir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

// Ports handed to services come from below the kernel's ephemeral range (32768-60999 on Linux),
// never from it: a port the OS picked for listen(0) is also one it may pick a moment later as the
// source port of any outgoing connection (a Kafka or PostgreSQL client of another test), and a
// service started on it then fails with EADDRINUSE (CI: "listen EADDRINUSE 127.0.0.1:41269").
// The infra servers sit below 20000 at the offsets in use (scripts/infra/lib.sh). Each test worker
// takes its own slice of the range and walks it, so two workers never hand out the same port and
// one worker never hands out a port twice; a port something already listens on is skipped.
const portRange = { first: 20_000, size: 7_000 };
const sliceSize = 500;
const slices = Math.floor(portRange.size / sliceSize);
const worker = Number(process.env.VITEST_POOL_ID ?? process.pid);
const sliceStart = portRange.first + (worker % slices) * sliceSize;
let nextInSlice = Math.floor(Math.random() * sliceSize);

async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (listening) {
    server.close();
    await once(server, 'close');
  }
  return listening;
}

/** A free loopback port no outgoing connection can take and no other test worker hands out. */
export async function freePort(): Promise<number> {
  for (let tried = 0; tried < sliceSize; tried++) {
    const port = sliceStart + (nextInSlice++ % sliceSize);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${sliceStart}-${sliceStart + sliceSize - 1}`);
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code (null after a signal) once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Everything the process wrote so far (JSON log lines and stderr), for failure messages. */
  output(): string;
  /** SIGTERM, then waits for the exit code (SIGKILL after the timeout). */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL: a crash, no graceful shutdown. */
  kill(): Promise<void>;
}

/** Spawns a process with its output captured and the stop/kill a test or an orchestrator uses. */
export function spawnProcess(
  command: readonly string[],
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv },
): ServiceProcess {
  const [file = '', ...args] = command;
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    exited,
    output: () => output,
    stop: async (timeoutMs = 20_000) => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Starts a service as a real process and resolves once its `/ready` probe answers 200, so tests
 * drive it exactly as a deployment would. Rejects with the process output if it exits or does
 * not become ready in time.
 */
export async function startServiceProcess(
  serviceDir: string,
  env: Record<string, string>,
  readyUrl: string,
  timeoutMs = 60_000,
  {
    compiled = false,
    nodeArgs = [],
  }: {
    compiled?: boolean;
    /** Node flags NODE_OPTIONS refuses, such as `--cpu-prof` (the benchmarks' profiles). */
    nodeArgs?: readonly string[];
  } = {},
): Promise<ServiceProcess> {
  const service = spawnProcess([process.execPath, ...nodeArgs, ...(compiled ? compiledEntry : entry)], {
    cwd: serviceDir,
    env: { ...process.env, ...env },
  });
  const { child } = service;

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${serviceDir} exited with ${child.exitCode}:\n${service.output()}`);
    const ready = await fetch(readyUrl).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${serviceDir} not ready at ${readyUrl} after ${timeoutMs} ms:\n${service.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return service;
}
