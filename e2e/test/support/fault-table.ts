import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface FaultRow {
  readonly scenario: string;
  readonly sent: number;
  readonly accepted: number;
  readonly rejected: number;
  /**
   * Commands the stream sent per second while it ran (lead, fault and trail), every attempt
   * counted, a 503'd one too: the load the system was under. `acceptedPerSecond` is the part of
   * it answered 2xx.
   */
  readonly commandsPerSecond: number;
  /** Commands answered 2xx per second while the stream ran (pipeline suite rows). */
  readonly acceptedPerSecond?: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Rejected (503) or never-sent commands whose effect showed up anyway. */
  readonly invented: number;
  readonly deadLettered: number;
  readonly cacheEntriesChecked: number;
  /** From the stream's last command to every store agreeing; null if they never did in time. */
  readonly convergeSeconds: number | null;
  readonly outageSeconds: number;
  /**
   * Scale-out rows only: from the SIGKILL of one instance until its consumer group is whole and
   * caught up again (defined in scale-out.fault.spec.ts); null if it never was in time.
   */
  readonly writerRebalanceSeconds?: number | null;
  readonly readerRebalanceSeconds?: number | null;
}

/** The columns a row takes from the pipeline check (support/pipeline-state.ts), as they are. */
export const checkColumns = (
  check: Pick<FaultRow, 'lost' | 'duplicated' | 'invented' | 'deadLettered' | 'cacheEntriesChecked'>,
) => ({
  lost: check.lost,
  duplicated: check.duplicated,
  invented: check.invented,
  deadLettered: check.deadLettered,
  cacheEntriesChecked: check.cacheEntriesChecked,
});

/** Seconds from one time (ms) to another, to a tenth; null when the second never came. */
export function secondsBetween(from: number, to: number): number;
export function secondsBetween(from: number, to: number | null): number | null;
export function secondsBetween(from: number, to: number | null): number | null {
  return to === null ? null : Math.round((to - from) / 100) / 10;
}

const resultsDir = fileURLToPath(new URL('../../../.test-results/', import.meta.url));

const columns: [keyof FaultRow, string][] = [
  ['scenario', 'scenario'],
  ['sent', 'sent'],
  ['accepted', 'accepted'],
  ['rejected', 'rejected'],
  ['commandsPerSecond', 'cmd/s'],
  ['acceptedPerSecond', 'accepted/s'],
  ['lost', 'lost'],
  ['duplicated', 'duplicated'],
  ['invented', 'invented'],
  ['deadLettered', "DLQ'd"],
  ['cacheEntriesChecked', 'cache checked'],
  ['outageSeconds', 'outage s'],
  ['convergeSeconds', 'converge s'],
  ['writerRebalanceSeconds', 'writer rebalance s'],
  ['readerRebalanceSeconds', 'reader rebalance s'],
];
const optional = new Set<keyof FaultRow>([
  'acceptedPerSecond',
  'writerRebalanceSeconds',
  'readerRebalanceSeconds',
]);

/** A fixed-width table for the console (vitest prints it with the file's output). */
export function formatFaultTable(rows: readonly FaultRow[]): string {
  // Optional columns only when some row has them, so tables without them look as they always did.
  const shown = columns.filter(([key]) => !optional.has(key) || rows.some((row) => key in row));
  const cells = rows.map((row) => shown.map(([key]) => (key in row ? String(row[key] ?? 'never') : '-')));
  const widths = shown.map(([, title], i) =>
    Math.max(title.length, ...cells.map((c) => (c[i] as string).length)),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === 0 ? v.padEnd(widths[i] as number) : v.padStart(widths[i] as number)))
      .join('  ');
  return [
    line(shown.map(([, title]) => title)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}

/**
 * Written after every scenario, so a run cut short still leaves the rows it has. A suite that
 * runs next to the pipeline suite passes its own file name so as not to overwrite its table.
 */
export function writeFaultTable(rows: readonly FaultRow[], mode: string, file = 'fault-table.json'): void {
  mkdirSync(resultsDir, { recursive: true });
  const document = { date: new Date().toISOString(), mode, rows };
  writeFileSync(`${resultsDir}${file}`, `${JSON.stringify(document, null, 2)}\n`);
}
