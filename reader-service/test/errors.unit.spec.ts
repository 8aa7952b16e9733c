import { fileURLToPath } from 'node:url';
import { assertUniqueCodes, commonErrors, GrpcStatus } from '@cqrs-products/errors';
import { readSources } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';
import { readerCatalogue, readerErrorCatalogue, readerErrors } from '../src/errors.js';

describe('reader error catalogue', () => {
  it('declares no code that the shared catalogue also declares', () => {
    expect(() => assertUniqueCodes(commonErrors, readerErrorCatalogue)).not.toThrow();
  });

  it('maps not found to their gRPC and HTTP statuses', () => {
    expect(readerErrors.PRODUCT_NOT_FOUND('x').spec).toMatchObject({
      grpcStatus: GrpcStatus.NOT_FOUND,
      httpStatus: 404,
    });
  });
});

// The table is the specification: a code's statuses and retryability are public (the gateway maps
// the gRPC status, the DLQ shows the code, the consumer decides from retryable).
const expected = {
  VALIDATION_FAILED: [400, GrpcStatus.INVALID_ARGUMENT, false],
  DEPENDENCY_UNAVAILABLE: [503, GrpcStatus.UNAVAILABLE, true],
  TIMEOUT: [504, GrpcStatus.DEADLINE_EXCEEDED, true],
  PRODUCT_NOT_FOUND: [404, GrpcStatus.NOT_FOUND, false],
  VERSION_NOT_YET_VISIBLE: [503, GrpcStatus.UNAVAILABLE, true],
  READ_MODEL_UNAVAILABLE: [503, GrpcStatus.UNAVAILABLE, true],
  UNDECODABLE_EVENT: [400, GrpcStatus.INVALID_ARGUMENT, false],
  INVALID_EVENT: [400, GrpcStatus.INVALID_ARGUMENT, false],
} as const;

describe("the reader's factories, one per code", () => {
  it('cover exactly the codes of the table: the shared ones and the reader own', () => {
    expect(Object.keys(readerErrors).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))(
    '%s -> HTTP, gRPC, retryable: %j',
    (code, [httpStatus, grpcStatus, retryable]) => {
      const error = readerErrors[code as keyof typeof expected]('detail');
      expect(error).toMatchObject({ code, retryable, spec: { httpStatus, grpcStatus } });
      expect(error.message).toMatch(/: detail$/);
    },
  );

  it('declare retryability on every entry instead of relying on the default', () => {
    const undeclared = Object.entries(readerCatalogue).filter(
      ([, spec]) => typeof spec.retryable !== 'boolean',
    );
    expect(undeclared.map(([code]) => code)).toEqual([]);
  });
});

describe('one module of errors', () => {
  const sources = readSources(fileURLToPath(new URL('../src', import.meta.url)));
  const filesMatching = (pattern: RegExp) => sources.filter((f) => pattern.test(f.text)).map((f) => f.path);

  it('reads the sources (so the checks below check something)', () => {
    expect(sources.map((f) => f.path)).toEqual(expect.arrayContaining(['errors.ts', 'start.ts']));
  });

  it('makes its factories once, in errors.ts: no other module defines codes or builds an AppError', () => {
    expect(filesMatching(/\bdefineErrors\(|\bnew AppError\(/)).toEqual(['errors.ts']);
  });

  it("takes the shared codes from its own errors.ts, not the package's factories", () => {
    expect(filesMatching(/import\s*\{[^}]*\berrors\b[^}]*\}\s*from\s*'@cqrs-products\/errors'/)).toEqual([]);
  });
});
