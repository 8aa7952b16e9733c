import { assertUniqueCodes, commonErrors, GrpcStatus } from '@cqrs-products/errors';
import { checkCatalogue, statusRows } from '@cqrs-products/testing/error-catalogue';
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

checkCatalogue({
  service: 'reader',
  catalogue: readerCatalogue,
  factories: readerErrors,
  expected,
  eachCode: statusRows,
  sources: new URL('../src', import.meta.url),
  mustRead: ['errors.ts', 'start.ts'],
});
