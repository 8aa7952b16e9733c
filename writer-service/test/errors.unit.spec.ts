import { fileURLToPath } from 'node:url';
import { assertUniqueCodes, commonErrors, GrpcStatus, isAppError } from '@cqrs-products/errors';
import { readSources } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';
import { writerCatalogue, writerErrorCatalogue, writerErrors } from '../src/errors.js';

describe('writer error catalogue', () => {
  it('declares no code that the shared catalogue already uses', () => {
    expect(() => assertUniqueCodes(commonErrors, writerErrorCatalogue)).not.toThrow();
  });

  it('maps not found and already exists to their gRPC statuses, with the code on the error', () => {
    const notFound = writerErrors.PRODUCT_NOT_FOUND('some-id');
    expect(isAppError(notFound) && notFound.code).toBe('PRODUCT_NOT_FOUND');
    expect(notFound.spec.grpcStatus).toBe(GrpcStatus.NOT_FOUND);
    expect(notFound.message).toBe('Product not found: some-id');
    expect(writerErrors.PRODUCT_ALREADY_EXISTS().spec.grpcStatus).toBe(GrpcStatus.ALREADY_EXISTS);
  });
});

// The table is the specification: a code's statuses and retryability are public (gRPC callers,
// the DLQ's dlq-error-code, the consumer's retry decision).
const expected = {
  VALIDATION_FAILED: [400, GrpcStatus.INVALID_ARGUMENT, false],
  DEPENDENCY_UNAVAILABLE: [503, GrpcStatus.UNAVAILABLE, true],
  TIMEOUT: [504, GrpcStatus.DEADLINE_EXCEEDED, true],
  PRODUCT_NOT_FOUND: [404, GrpcStatus.NOT_FOUND, false],
  PRODUCT_ALREADY_EXISTS: [409, GrpcStatus.ALREADY_EXISTS, false],
  UNKNOWN_TOPIC: [400, GrpcStatus.INVALID_ARGUMENT, false],
  INVALID_MESSAGE_ID: [400, GrpcStatus.INVALID_ARGUMENT, false],
  UNDECODABLE_PAYLOAD: [400, GrpcStatus.INVALID_ARGUMENT, false],
  INVALID_COMMAND: [400, GrpcStatus.INVALID_ARGUMENT, false],
  KEY_MISMATCH: [400, GrpcStatus.INVALID_ARGUMENT, false],
} as const;

describe("the writer's factories, one per code", () => {
  it('cover exactly the codes of the table: the shared ones and the writer own', () => {
    expect(Object.keys(writerErrors).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))(
    '%s -> HTTP, gRPC, retryable: %j',
    (code, [httpStatus, grpcStatus, retryable]) => {
      const error = writerErrors[code as keyof typeof expected]('detail');
      expect(error).toMatchObject({ code, retryable, spec: { httpStatus, grpcStatus } });
      expect(error.message).toMatch(/: detail$/);
    },
  );

  it('declare retryability on every entry instead of relying on the default', () => {
    const undeclared = Object.entries(writerCatalogue).filter(
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
