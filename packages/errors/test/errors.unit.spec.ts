import { describe, expect, it } from 'vitest';
import {
  AppError,
  assertUniqueCodes,
  commonErrors,
  defineErrors,
  errors,
  GrpcStatus,
  isAppError,
} from '../src/index.js';

describe('coded errors', () => {
  it('carries its code, transport statuses, detail and cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = errors.DEPENDENCY_UNAVAILABLE('kafka', { cause });

    expect(isAppError(error)).toBe(true);
    expect(error.code).toBe('DEPENDENCY_UNAVAILABLE');
    expect(error.spec.httpStatus).toBe(503);
    expect(error.spec.grpcStatus).toBe(GrpcStatus.UNAVAILABLE);
    expect(error.message).toBe('A dependency is unavailable: kafka');
    expect(error.cause).toBe(cause);
  });

  it('builds factories for every code of a catalogue', () => {
    const productErrors = defineErrors({
      PRODUCT_NOT_FOUND: { message: 'Product not found', httpStatus: 404, grpcStatus: GrpcStatus.NOT_FOUND },
    });
    expect(productErrors.PRODUCT_NOT_FOUND('42')).toBeInstanceOf(AppError);
  });

  it('rejects two catalogues that declare the same code', () => {
    expect(() => assertUniqueCodes(commonErrors, { TIMEOUT: commonErrors.TIMEOUT })).toThrow(/TIMEOUT/);
    expect(() => assertUniqueCodes(commonErrors)).not.toThrow();
  });

  it('does not mistake a plain Error for an operational one', () => {
    expect(isAppError(new Error('boom'))).toBe(false);
  });
});
