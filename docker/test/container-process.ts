import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { until } from '@cqrs-products/testing';
import type { Image } from './image-build.js';

export interface Container {
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM, as `docker stop` sends it, then the exit code (SIGKILL after the timeout, as Docker). */
  stop(timeoutMs?: number): Promise<number | null>;
}

/**
 * Runs a command of a replayed image the way Docker would: in its WORKDIR, with its ENV plus the
 * given variables and nothing else from the test process but PATH and HOME.
 */
function spawnIn(image: Image, command: readonly string[], env: Record<string, string>): ChildProcess {
  const [file = '', ...args] = command;
  return spawn(file, args, {
    cwd: image.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...image.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function startContainer(image: Image, env: Record<string, string>): Container {
  if (!image.cmd) throw new Error('the image has no CMD');
  const child = spawnIn(image, image.cmd, env);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  return {
    child,
    output: () => output,
    stop: async (timeoutMs = 20_000) => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const [code] = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs a command of the image to its end (the HEALTHCHECK, a one-shot job) and returns its exit code and output. */
export async function runInImage(
  image: Image,
  command: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawnIn(image, command, env);
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

/** Waits until `url` answers 200; fails at once with the output if the process exits first. */
export async function untilAnswers(container: Container, url: string, timeoutMs = 60_000): Promise<void> {
  await until(
    async () => {
      if (container.child.exitCode !== null)
        throw new Error(
          `exited with ${container.child.exitCode} before ${url} answered:\n${container.output()}`,
        );
      return fetch(url).then(
        (response) => response.ok,
        () => false,
      );
    },
    { timeoutMs, intervalMs: 200, what: `${url} answering 200` },
  );
}
