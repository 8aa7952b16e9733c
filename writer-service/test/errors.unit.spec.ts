import { assertUniqueCodes, commonErrors, GrpcStatus, isAppError } from '@cqrs-products/errors';
import { checkCatalogue, statusRows } from '@cqrs-products/testing/error-catalogue';
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

checkCatalogue({
  service: 'writer',
  catalogue: writerCatalogue,
  factories: writerErrors,
  expected,
  eachCode: statusRows,
  sources: new URL('../src', import.meta.url),
  mustRead: ['errors.ts', 'start.ts'],
});
