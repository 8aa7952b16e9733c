import { assertUniqueCodes, commonErrors, GrpcStatus, isAppError } from '@cqrs-products/errors';
import { describe, expect, it } from 'vitest';
import { writerErrorCatalogue, writerErrors } from '../src/errors.js';

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
