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

  // A ratchet: the producer still encodes product messages (protobuf by message name, the
  // contracts' header names); moving that out empties the list, a new user fails here.
  it('uses the product contracts only where it encodes product messages (left to move out)', () => {
    const users = sources.filter((file) => file.packages.includes('@cqrs-products/contracts'));
    expect(users.map((file) => file.path).sort()).toEqual(['producer.ts']);
  });
});
