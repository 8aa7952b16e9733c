/** Shortens to `max` characters, on one line: error texts may hold newlines and stack-like detail. */
export function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Plain aligned columns (two spaces apart, no borders) so the output stays readable in a terminal
 * and greppable in a script; an absent value is shown as `-`, never as an empty cell that would
 * shift what follows.
 */
export function formatTable(
  columns: readonly string[],
  rows: readonly (readonly (string | undefined)[])[],
): string {
  const cells = [columns, ...rows.map((row) => columns.map((_, i) => cell(row[i])))];
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((value, i) => (value ?? '').padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const cell = (value: string | undefined): string =>
  value === undefined || value === '' ? '-' : value.replace(/\s+/g, ' ');
