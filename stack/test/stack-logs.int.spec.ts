import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { followOutput } from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `make logs` (scripts/stack/logs.sh) on log files written by hand, in a scratch copy of
 * scripts/stack and scripts/lib (it finds the checkout from its own location), so nothing of this
 * checkout is read.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'stack-logs-'));
  // scripts/stack and the helpers it sources (scripts/lib).
  for (const dir of ['stack', 'lib'])
    cpSync(join(repoRoot, 'scripts', dir), join(root, 'scripts', dir), { recursive: true });
  mkdirSync(join(root, '.infra', 'logs'), { recursive: true });
  const logs = join(root, '.infra', 'logs');
  writeFileSync(join(logs, 'api-gateway-0.log'), '{"level":"info","service":"api-gateway","msg":"gw0 up"}\n');
  writeFileSync(
    join(logs, 'api-gateway-1.log'),
    '{"level":"info","service":"api-gateway","msg":"gw1 up"}\napi-gateway failed to start: "port" \\ in use\n',
  );
  writeFileSync(
    join(logs, 'reader-service-0.log'),
    '{"level":"error","service":"reader-service","msg":"rd0"}\n',
  );
  // Not a service's log: never followed.
  writeFileSync(join(logs, 'migrate.log'), '=== migrate up\n');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs logs.sh until `done` says the lines are complete (it follows forever), then stops it. */
async function follow(done: (lines: string[]) => boolean, afterStart?: () => void): Promise<string[]> {
  let started = false;
  const out = await followOutput('bash', [join(root, 'scripts', 'stack', 'logs.sh')], {
    env: { PATH: process.env.PATH, STACK_MODE: 'native' },
    what: 'logs.sh',
    timeoutMs: 15_000,
    done: (output) => {
      const lines = output.split('\n').filter(Boolean);
      if (!started && lines.length >= 4) {
        started = true;
        afterStart?.();
      }
      return done(lines);
    },
  });
  return out.trim().split('\n');
}

describe('make logs', () => {
  it('prints JSON lines only, each naming its instance, and keeps non-JSON output as a message', async () => {
    const lines = await follow((l) => l.length >= 4);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);

    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ instance: 'api-gateway-0', msg: 'gw0 up' }),
        expect.objectContaining({ instance: 'api-gateway-1', msg: 'gw1 up' }),
        expect.objectContaining({ instance: 'reader-service-0', level: 'error', msg: 'rd0' }),
        {
          level: 'warn',
          instance: 'api-gateway-1',
          raw: true,
          msg: 'api-gateway failed to start: "port" \\ in use',
        },
      ]),
    );
    expect(records).toHaveLength(4);
  }, 30_000);

  it('follows: a line written after the start shows up', async () => {
    const marker = `marker-${Date.now()}`;
    const write = () =>
      appendFileSync(
        join(root, '.infra', 'logs', 'reader-service-0.log'),
        `{"level":"info","service":"reader-service","msg":"${marker}"}\n`,
      );
    // Written again until it shows: a line that lands while tail is still setting up its watches
    // is only noticed with the next write to that file.
    let writer: NodeJS.Timeout | undefined;
    const lines = await follow(
      (l) => l.some((line) => line.includes(marker)),
      () => {
        write();
        writer = setInterval(write, 500);
      },
    ).finally(() => clearInterval(writer));

    expect(JSON.parse(lines.find((line) => line.includes(marker)) as string)).toMatchObject({
      instance: 'reader-service-0',
      msg: marker,
    });
  }, 30_000);
});
