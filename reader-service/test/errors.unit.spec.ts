import { assertUniqueCodes, commonErrors, GrpcStatus } from '@cqrs-products/errors';
import { describe, expect, it } from 'vitest';
import { readerErrorCatalogue, readerErrors } from '../src/errors.js';

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
