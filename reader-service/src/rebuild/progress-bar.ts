export interface ProgressOutput {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressBar {
  /** Starts a step of `total` items (0: a step without a count). */
  step(name: string, total: number, done?: number): void;
  advance(items: number): void;
  /** Ends the current step's line with a summary. */
  finish(note?: string): void;
  line(text: string): void;
}

const width = 30;
/** Without a terminal, one line per step and at most one every few seconds (CI logs stay short). */
const plainEveryMs = 5_000;

/** A one-line bar redrawn in place on a terminal; plain lines otherwise (no dependency). */
export function createProgressBar(out: ProgressOutput, now = () => Date.now()): ProgressBar {
  let name = '';
  let total = 0;
  let done = 0;
  let startedAt = now();
  let printedAt = Number.NEGATIVE_INFINITY;

  const render = () => {
    const seconds = Math.max((now() - startedAt) / 1000, 0.001);
    const rate = `${Math.round(done / seconds)}/s`;
    if (total === 0) return `${name}: ${done} ${rate}`;
    const ratio = Math.min(done / total, 1);
    const bar = '#'.repeat(Math.round(ratio * width)).padEnd(width, '-');
    return `${name} [${bar}] ${(ratio * 100).toFixed(0).padStart(3)}% ${done}/${total} ${rate}`;
  };
  const draw = () => {
    if (out.isTTY) {
      out.write(`\r\x1b[2K${render()}`);
    } else if (now() - printedAt >= plainEveryMs) {
      printedAt = now();
      out.write(`${render()}\n`);
    }
  };

  return {
    step: (stepName, stepTotal, alreadyDone = 0) => {
      name = stepName;
      total = stepTotal;
      done = alreadyDone;
      startedAt = now();
      printedAt = Number.NEGATIVE_INFINITY;
      // A step without a count says everything in its one closing line.
      if (stepTotal > 0 || out.isTTY) draw();
    },
    advance: (items) => {
      done += items;
      draw();
    },
    finish: (note) => {
      const summary = `${render()} (${((now() - startedAt) / 1000).toFixed(1)} s)${note ? ` ${note}` : ''}`;
      out.write(out.isTTY ? `\r\x1b[2K${summary}\n` : `${summary}\n`);
    },
    line: (text) => {
      out.write(`${text}\n`);
    },
  };
}
