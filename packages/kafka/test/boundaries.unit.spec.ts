import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { forbiddenImports, importCycles, readSources } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';

const sources = readSources(fileURLToPath(new URL('../src', import.meta.url)));

describe('the generic Kafka package', () => {
  it('reads its sources (so the checks below check something)', () => {
    expect(sources.map((file) => file.path)).toEqual(expect.arrayContaining(['consumer.ts', 'supervise.ts']));
  });

  it('has no import cycle (the runner uses the supervisor, never the other way round)', () => {
    expect(importCycles(sources)).toEqual([]);
  });

  it('knows no database: classifiers for store failures are passed in by the services', () => {
    const stores = /^(mongodb|pg|ioredis)$|^@cqrs-products\/(testing)$/;
    expect(forbiddenImports(sources, '', (specifier) => stores.test(specifier))).toEqual([]);
    for (const file of sources) expect(file.text, file.path).not.toMatch(/Mongo\w*Error|SQLSTATE/);
  });

  // Codecs belong to their owners: the product messages are encoded by @cqrs-products/contracts,
  // and this package sends bytes and headers it is given (the test files may use the contracts).
  it('knows no product: it imports nothing from the product contracts', () => {
    expect(
      forbiddenImports(sources, '', (specifier) => specifier.startsWith('@cqrs-products/contracts')),
    ).toEqual([]);
    expect(sources.map((file) => file.path)).toContain('producer.ts');
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies ?? {})).not.toContain('@cqrs-products/contracts');
  });
});
