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

/** A port that was free a moment ago (the OS picks it), for services started as processes. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
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
