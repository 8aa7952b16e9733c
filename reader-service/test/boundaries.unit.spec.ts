import { fileURLToPath } from 'node:url';
import { forbiddenImports, readSources } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';

const sources = readSources(fileURLToPath(new URL('../src', import.meta.url)));
const adapterFolders = ['grpc/', 'kafka/', 'mongo/', 'postgres/', 'redis/', 'rebuild/', 'search/'];
const adapterPackages = ['pg', 'mongodb', 'ioredis', 'kafkajs', '@grpc/grpc-js', '@cqrs-products/kafka'];
const isAdapter = (specifier: string) =>
  adapterPackages.includes(specifier) || adapterFolders.some((folder) => specifier.startsWith(folder));
const driverOutside = (driver: string, home: string) =>
  sources
    .filter((file) => file.packages.includes(driver) && !file.path.startsWith(home))
    .map((file) => file.path);

describe("the reader's module boundaries", () => {
  it('reads its sources (so the checks below check something)', () => {
    expect(sources.map((file) => file.path)).toEqual(
      expect.arrayContaining(['domain/product.ts', 'start.ts']),
    );
  });

  it('the domain imports no adapter', () => {
    expect(forbiddenImports(sources, 'domain/', isAdapter)).toEqual([]);
  });

  // The rebuild's driver code lives beside the service's (mongo/rebuild-target.ts,
  // redis/rebuild-cache-index.ts, redis/rebuild-run-lock.ts); rebuild/ only orders the steps.
  const compositionRoots = ['start.ts', 'rebuild-main.ts'];

  it.each([
    ['ioredis', 'redis/'],
    ['mongodb', 'mongo/'],
    ['pg', 'postgres/'],
  ] as const)('%s is used only in %s and the composition roots', (driver, home) => {
    const users = driverOutside(driver, home).filter((path) => !compositionRoots.includes(path));
    expect(users).toEqual([]);
    expect(sources.some((file) => file.path.startsWith(home) && file.packages.includes(driver))).toBe(true);
  });
});
