import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI as the npm script does (a real process from the TypeScript sources), with the
 * environment the services of the stack were given, so the test sees what an operator sees.
 */
export async function runDlq(env: Record<string, string>, ...args: string[]): Promise<CliRun> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'tools/dlq/src/main.ts', ...args],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** The rows of one topic's table in `list` output, as column -> cell. */
export function listRows(stdout: string, topic: string): Record<string, string>[] {
  const block = stdout.split('\n\n').find((b) => b.startsWith(`${topic}:`));
  if (!block) throw new Error(`no table for ${topic} in:\n${stdout}`);
  const [, header, ...lines] = block.trim().split('\n');
  if (!header) return [];
  const columns = header.split(/\s{2,}/);
  return lines.map((line) => Object.fromEntries(line.split(/\s{2,}/).map((cell, i) => [columns[i], cell])));
}

/** The table rows printed by `redrive`, after its heading line. */
export function redriveRows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => line.split(/\s{2,}/));
}
