import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The targets the Makefile declares phony, i.e. every command a person or CI may run. */
function phonyTargets(): string[] {
  const makefile = readFileSync(`${repoRoot}Makefile`, 'utf8').replaceAll('\\\n', ' ');
  const line = makefile.split('\n').find((l) => l.startsWith('.PHONY:'));
  return (line ?? '').replace('.PHONY:', '').trim().split(/\s+/);
}

describe('make help', () => {
  it('lists every target exactly once, each with a one-line description', () => {
    const help = execFileSync('make', ['--no-print-directory', 'help'], { cwd: repoRoot, encoding: 'utf8' });
    const listed = help
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/));

    expect(listed.map(([target]) => target).sort()).toEqual(phonyTargets().sort());
    for (const [target, ...description] of listed) expect(description.length, target).toBeGreaterThan(2);
  });

  it('offers the commands the README starts with', () => {
    expect(phonyTargets()).toEqual(expect.arrayContaining(['up', 'down', 'logs', 'status', 'test']));
  });

  it('says that infra-up starts Prometheus too, and how to scale and read the logs', () => {
    const help = execFileSync('make', ['--no-print-directory', 'help'], { cwd: repoRoot, encoding: 'utf8' });

    expect(help).toMatch(/^ {2}infra-up .*Prometheus/m);
    expect(help).toMatch(/^ {2}up .*GATEWAYS=/m);
    expect(help).toMatch(/^ {2}logs .*PRETTY=1/m);
  });
});

describe('make infra-status', () => {
  it('prints the servers only, not its own command line', () => {
    // Read-only: it looks at pid files and asks each server, whatever runs.
    const out = execFileSync('make', ['--no-print-directory', 'infra-status'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });

    expect(out).not.toMatch(/^bash /m);
    expect(
      out
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/)[0]),
    ).toEqual(['postgres', 'redis', 'kafka', 'mongo', 'prometheus']);
  });
});
