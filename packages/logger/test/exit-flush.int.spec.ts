import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A real process, because what is under test is what happens when it ends: lines are batched
// (batched-stdout.ts) and must still be on stdout after exit, a crash or a SIGTERM shutdown.
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface Ended {
  readonly code: number | null;
  readonly lines: Record<string, unknown>[];
}

function runLogger(body: string, onLine?: (line: Record<string, unknown>, kill: () => void) => void) {
  const script = `import { createLogger } from '@cqrs-products/logger';
const log = createLogger({ service: 'exit-test', level: 'info' });
${body}`;
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) {
      const line = JSON.parse(part) as Record<string, unknown>;
      lines.push(line);
      onLine?.(line, () => child.kill('SIGTERM'));
    }
  });
  return once(child, 'close').then(([code]): Ended => ({ code: code as number | null, lines }));
}

const messages = (ended: Ended) => ended.lines.map((line) => line.msg);

describe('log lines written just before the process ends', () => {
  it('a line logged right before process.exit is in the output', async () => {
    const ended = await runLogger(`log.info({ n: 1 }, 'last words'); process.exit(0);`);
    expect(ended.code).toBe(0);
    expect(messages(ended)).toEqual(['last words']);
    expect(ended.lines[0]).toMatchObject({ service: 'exit-test', level: 'info', n: 1 });
  });

  it('a line logged right before an uncaught exception is in the output', async () => {
    const ended = await runLogger(`log.error('about to crash'); throw new Error('crash');`);
    expect(ended.code).toBe(1);
    expect(messages(ended)).toEqual(['about to crash']);
  });

  it('a burst larger than the buffer arrives whole and in order before exit', async () => {
    const ended = await runLogger(
      `for (let n = 0; n < 5000; n++) log.info({ n }, 'burst'); log.info('marker'); process.exit(0);`,
    );
    expect(ended.lines).toHaveLength(5001);
    expect(ended.lines.slice(0, 5000).map((line) => line.n)).toEqual(
      Array.from({ length: 5000 }, (_, n) => n),
    );
    expect(ended.lines.at(-1)?.msg).toBe('marker');
  });

  it('the lines of a SIGTERM shutdown (runService) are in the output', async () => {
    const ended = await runLogger(
      `import('@cqrs-products/shutdown').then(({ runService }) => runService('exit-test', {
  start: async () => { log.info('ready'); setInterval(() => {}, 1000); return { log, stop: async () => { log.info('draining'); } }; },
}));`,
      (line, kill) => {
        if (line.msg === 'ready') kill();
      },
    );
    expect(ended.code).toBe(0);
    expect(messages(ended)).toEqual(['ready', 'shutting down', 'draining', 'stopped']);
  });
});
