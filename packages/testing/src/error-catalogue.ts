import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSources } from './imports.js';

/** What every service's error catalogue test checks, the service's own table given. */
export interface CatalogueUnderTest<E, X extends Readonly<Record<string, readonly unknown[]>>> {
  /** Who owns the catalogue, for the test names: "writer", "reader", "gateway". */
  readonly service: string;
  /** The service's catalogue, code -> spec. */
  readonly catalogue: Readonly<Record<string, { readonly retryable?: boolean }>>;
  /** Its ready factories (errors.ts), one per code. */
  readonly factories: { readonly [code: string]: (detail: string) => E };
  /** The table that is the specification: code -> what an error of that code shows. */
  readonly expected: X;
  /** The name of one row's test (`%s` the code, `%j` the row) and its assertions. */
  readonly eachCode: readonly [title: string, check: (code: string, error: E, row: X[keyof X]) => void];
  /** The service's src/ folder and files it must find there (so the checks check something). */
  readonly sources: URL;
  readonly mustRead: readonly string[];
}

/** A row of a catalogue served over gRPC: [HTTP status, gRPC status, retryable]. */
export type StatusRow = readonly [httpStatus: number, grpcStatus: number, retryable: boolean];

/** The row check of the services that answer over gRPC: the statuses, and the detail in the message. */
export const statusRows = [
  '%s -> HTTP, gRPC, retryable: %j',
  (code: string, error: { readonly message: string }, [httpStatus, grpcStatus, retryable]: StatusRow) => {
    expect(error).toMatchObject({ code, retryable, spec: { httpStatus, grpcStatus } });
    expect(error.message).toMatch(/: detail$/);
  },
] as const;

/**
 * The checks every catalogue owes, as tests: one factory per code of the table, each row's
 * statuses, retryability declared on every entry, and one module of errors (factories made only in
 * errors.ts; the shared codes taken from there, not from the package). Returns a reader of the
 * sources for the service's own checks of that kind.
 */
export function checkCatalogue<E, X extends Readonly<Record<string, readonly unknown[]>>>(
  under: CatalogueUnderTest<E, X>,
): { filesMatching(pattern: RegExp): string[] } {
  const { service, factories, expected } = under;
  const [title, check] = under.eachCode;

  describe(`the ${service}'s factories, one per code`, () => {
    it('cover exactly the codes of the table', () => {
      expect(Object.keys(factories).sort()).toEqual(Object.keys(expected).sort());
    });

    it.each(Object.entries(expected))(title, (code, row) => {
      const make = factories[code];
      expect(make, code).toBeTypeOf('function');
      check(code, (make as (detail: string) => E)('detail'), row as X[keyof X]);
    });

    it('declare retryability on every entry instead of relying on the default', () => {
      const undeclared = Object.entries(under.catalogue).filter(
        ([, spec]) => typeof spec.retryable !== 'boolean',
      );
      expect(undeclared.map(([code]) => code)).toEqual([]);
    });
  });

  const sources = readSources(fileURLToPath(under.sources));
  const filesMatching = (pattern: RegExp) => sources.filter((f) => pattern.test(f.text)).map((f) => f.path);

  describe(`one module of errors (${service})`, () => {
    it('reads the sources (so the checks below check something)', () => {
      expect(sources.map((f) => f.path)).toEqual(expect.arrayContaining([...under.mustRead]));
    });

    it('makes its factories once, in errors.ts: no other module defines codes or builds an AppError', () => {
      expect(filesMatching(/\bdefineErrors\(|\bnew AppError\(/)).toEqual(['errors.ts']);
    });

    it("takes the shared codes from its own errors.ts, not the package's factories", () => {
      expect(filesMatching(/import\s*\{[^}]*\berrors\b[^}]*\}\s*from\s*'@cqrs-products\/errors'/)).toEqual(
        [],
      );
    });
  });

  return { filesMatching };
}
