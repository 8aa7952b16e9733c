import { type ServiceProcess, spawnProcess, until } from '@cqrs-products/testing';
import type { Image } from '../../../../docker/test/image-build.js';

/** A replayed image's CMD running as a process; stop() sends SIGTERM as `docker stop` does. */
export type Container = ServiceProcess;

/**
 * Runs a command of a replayed image the way Docker would: in its WORKDIR, with its ENV plus the
 * given variables and nothing else from the test process but PATH and HOME.
 */
function spawnIn(image: Image, command: readonly string[], env: Record<string, string>): ServiceProcess {
  return spawnProcess(command, {
    cwd: image.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...image.env, ...env },
  });
}

export function startContainer(image: Image, env: Record<string, string>): Container {
  if (!image.cmd) throw new Error('the image has no CMD');
  return spawnIn(image, image.cmd, env);
}

/** Runs a command of the image to its end (the HEALTHCHECK, a one-shot job) and returns its exit code and output. */
export async function runInImage(
  image: Image,
  command: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const run = spawnIn(image, command, env);
  const code = await run.exited;
  return { code, output: run.output() };
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
