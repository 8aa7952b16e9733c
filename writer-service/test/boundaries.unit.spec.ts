import { fileURLToPath } from 'node:url';
import { forbiddenImports, readSources } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';

const sources = readSources(fileURLToPath(new URL('../src', import.meta.url)));
const adapterFolders = ['grpc/', 'kafka/', 'outbox/', 'parking/', 'postgres/'];
const adapterPackages = ['pg', 'kafkajs', '@grpc/grpc-js', '@cqrs-products/kafka', '@cqrs-products/grpc'];
const isAdapter = (specifier: string) =>
  adapterPackages.includes(specifier) || adapterFolders.some((folder) => specifier.startsWith(folder));
// SQL in a string or template literal: a statement keyword followed by what such a statement needs.
const sql =
  /['"`]\s*(SELECT\s|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|(UN)?LISTEN\s|WITH\s+\w+\s+AS)/i;

describe("the writer's module boundaries", () => {
  it('reads its sources (so the checks below check something)', () => {
    expect(sources.map((file) => file.path)).toEqual(
      expect.arrayContaining(['domain/product.ts', 'product-command.handler.ts', 'command-batch.ts']),
    );
  });

  it('the domain imports no adapter', () => {
    expect(forbiddenImports(sources, 'domain/', isAdapter)).toEqual([]);
  });

  it('the command core (plan and handler) imports no transport: Kafka and gRPC only call it', () => {
    const transports = (s: string) =>
      ['kafka/', 'grpc/', 'kafkajs', '@grpc/grpc-js'].some((t) => s.startsWith(t));
    for (const core of ['command-batch.ts', 'product-command.handler.ts'])
      expect(forbiddenImports(sources, core, transports)).toEqual([]);
  });

  it('the Kafka and gRPC adapters do not reach into PostgreSQL: its error classifier is injected', () => {
    const postgres = (s: string) => s.startsWith('postgres/') || s === 'pg';
    expect(forbiddenImports(sources, 'kafka/', postgres)).toEqual([]);
    expect(forbiddenImports(sources, 'grpc/', postgres)).toEqual([]);
  });

  it('SQL lives only in postgres/', () => {
    const withSql = sources.filter((file) => !file.path.startsWith('postgres/') && sql.test(file.text));
    expect(withSql.map((file) => file.path)).toEqual([]);
    expect(
      sources.filter((file) => file.path.startsWith('postgres/') && sql.test(file.text)).length,
    ).toBeGreaterThan(2);
  });

  it('an outage is named once, in postgres/: no other module makes DEPENDENCY_UNAVAILABLE', () => {
    const naming = sources.filter((file) => /\bwriterErrors\.DEPENDENCY_UNAVAILABLE\(/.test(file.text));
    expect(naming.map((file) => file.path)).toEqual(['postgres/db.ts']);
  });
});
