import { spawn } from 'node:child_process';

export interface FollowOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Named in the errors: `make logs`, `logs.sh`. */
  readonly what: string;
  readonly timeoutMs: number;
  /** Asked with the whole stdout so far on every chunk: true when it holds all the test waits for. */
  readonly done: (output: string) => boolean;
}

/**
 * Runs a command that follows forever (`make logs`, `tail -f`) until `done` says its stdout is
 * complete, then stops its whole process group (the command's children follow too); the stdout
 * read so far. Rejects with that output when the command exits first or `timeoutMs` passes:
 * waiting on the output the test needs, never on a time.
 */
export function followOutput(
  command: string,
  args: readonly string[],
  options: FollowOptions,
): Promise<string> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true });
  let out = '';
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      clearTimeout(timer);
      try {
        process.kill(-(child.pid as number), 'SIGTERM');
      } catch {}
      if (error) reject(error);
      else resolve(out);
    };
    const timer = setTimeout(
      () =>
        finish(new Error(`${options.what}: no complete output in ${options.timeoutMs / 1000} s:\n${out}`)),
      options.timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (options.done(out)) finish();
    });
    child.once('exit', (code) => finish(new Error(`${options.what} exited (${code}):\n${out}`)));
  });
}
