import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configTable, readmePath, tableInReadme } from '../../scripts/config-table.js';

/** A Markdown table as rows of trimmed cells, so the formatter's column padding does not matter. */
const cells = (table: string | undefined) =>
  (table ?? '').split('\n').map((line) => line.split('|').map((cell) => cell.trim().replace(/^-+$/, '---')));

describe("README's configuration table", () => {
  it('matches what the services read (envMapping, config.yaml, schema defaults); `make readme-config` regenerates it', () => {
    const readme = readFileSync(readmePath, 'utf8');

    expect(cells(tableInReadme(readme))).toEqual(cells(configTable()));
  });

  it("has one row per environment variable of every service, with that service's default", () => {
    const rows = configTable().split('\n').slice(2);
    const row = (variable: string) => rows.find((r) => r.startsWith(`| \`${variable}\` |`));

    expect(row('HTTP_PORT')).toMatch(/\| `5001` \| — \| — \|$/);
    expect(row('GRPC_PORT')).toMatch(/\| — \| `5002` \| `5003` \|$/);
    expect(row('KAFKA_BROKERS')).toContain('`127.0.0.1:9092`');
    expect(new Set(rows.map((r) => r.split(' | ')[0])).size).toBe(rows.length);
  });
});
