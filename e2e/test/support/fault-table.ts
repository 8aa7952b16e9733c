import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface FaultRow {
  readonly scenario: string;
  readonly sent: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Commands sent per second while the stream ran (fault included). */
  readonly commandsPerSecond: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Rejected (503) or never-sent commands whose effect showed up anyway. */
  readonly invented: number;
  readonly deadLettered: number;
  readonly cacheEntriesChecked: number;
  /** From the stream's last command to every store agreeing; null if they never did in time. */
  readonly convergeSeconds: number | null;
  readonly outageSeconds: number;
}

const resultsDir = fileURLToPath(new URL('../../../.test-results/', import.meta.url));

const columns: [keyof FaultRow, string][] = [
  ['scenario', 'scenario'],
  ['sent', 'sent'],
  ['accepted', 'accepted'],
  ['rejected', 'rejected'],
  ['commandsPerSecond', 'cmd/s'],
  ['lost', 'lost'],
  ['duplicated', 'duplicated'],
  ['invented', 'invented'],
  ['deadLettered', "DLQ'd"],
  ['cacheEntriesChecked', 'cache checked'],
  ['outageSeconds', 'outage s'],
  ['convergeSeconds', 'converge s'],
];

/** A fixed-width table for the console (vitest prints it with the file's output). */
export function formatFaultTable(rows: readonly FaultRow[]): string {
  const cells = rows.map((row) => columns.map(([key]) => String(row[key] ?? 'never')));
  const widths = columns.map(([, title], i) =>
    Math.max(title.length, ...cells.map((c) => (c[i] as string).length)),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === 0 ? v.padEnd(widths[i] as number) : v.padStart(widths[i] as number)))
      .join('  ');
  return [
    line(columns.map(([, title]) => title)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}

/** Written after every scenario, so a run cut short still leaves the rows it has. */
export function writeFaultTable(rows: readonly FaultRow[], mode: string): void {
  mkdirSync(resultsDir, { recursive: true });
  const document = { date: new Date().toISOString(), mode, rows };
  writeFileSync(`${resultsDir}fault-table.json`, `${JSON.stringify(document, null, 2)}\n`);
}
