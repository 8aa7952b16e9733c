import { describe, expect, it } from 'vitest';
import { createProgressBar } from '../src/rebuild/progress-bar.js';

const output = (isTTY: boolean) => {
  const written: string[] = [];
  return { written, out: { isTTY, write: (text: string) => written.push(text) } };
};

describe('rebuild progress bar', () => {
  it('on a terminal, redraws one line in place with the share done and the rate', () => {
    let now = 0;
    const { written, out } = output(true);
    const bar = createProgressBar(out, () => now);
    bar.step('copy', 1000);
    now = 2_000;
    bar.advance(500);

    expect(written.at(-1)).toBe(`\r\x1b[2Kcopy [${'#'.repeat(15)}${'-'.repeat(15)}]  50% 500/1000 250/s`);
    bar.finish();
    expect(written.at(-1)?.endsWith('(2.0 s)\n')).toBe(true);
  });

  it('without a terminal, writes plain lines, at most one every five seconds, then a summary', () => {
    let now = 0;
    const { written, out } = output(false);
    const bar = createProgressBar(out, () => now);
    bar.step('copy', 100);
    for (let i = 0; i < 10; i++) {
      now += 1_000;
      bar.advance(10);
    }
    bar.finish();

    expect(written.every((line) => !line.includes('\r') && line.endsWith('\n'))).toBe(true);
    expect(written).toHaveLength(4);
    expect(written.at(-1)).toBe('copy [##############################] 100% 100/100 10/s (10.0 s)\n');
  });

  it('a step without a count writes only its closing line when not on a terminal', () => {
    const { written, out } = output(false);
    const bar = createProgressBar(out, () => 0);
    bar.step('catch-up', 0);
    bar.finish();

    expect(written).toEqual(['catch-up: 0 0/s (0.0 s)\n']);
  });
});
