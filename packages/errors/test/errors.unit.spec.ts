import { describe, expect, it } from 'vitest';
import {
  AppError,
  assertUniqueCodes,
  commonErrors,
  defineErrors,
  GrpcStatus,
  isAppError,
} from '../src/index.js';

describe('coded errors', () => {
  it('carries its code, transport statuses, detail and cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = defineErrors(commonErrors).DEPENDENCY_UNAVAILABLE('kafka', { cause });

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

describe('whether a failure is retryable', () => {
  it('comes from the spec, so a consumer decides from the code alone', () => {
    const { FLAKY, FINAL } = defineErrors({
      FLAKY: { message: 'm', httpStatus: 503, grpcStatus: GrpcStatus.UNAVAILABLE, retryable: true },
      FINAL: { message: 'm', httpStatus: 400, grpcStatus: GrpcStatus.INVALID_ARGUMENT, retryable: false },
    });
    expect(FLAKY().retryable).toBe(true);
    expect(FINAL().retryable).toBe(false);
  });

  it('is false when the spec does not say: a failure is final unless declared otherwise', () => {
    const error = new AppError('OLD', { message: 'm', httpStatus: 500, grpcStatus: GrpcStatus.INTERNAL });
    expect(error.retryable).toBe(false);
  });

  it.each([
    ['VALIDATION_FAILED', 400, GrpcStatus.INVALID_ARGUMENT, false],
    ['DEPENDENCY_UNAVAILABLE', 503, GrpcStatus.UNAVAILABLE, true],
    ['TIMEOUT', 504, GrpcStatus.DEADLINE_EXCEEDED, true],
  ] as const)('shared %s: HTTP %i, gRPC %i, retryable %s', (code, httpStatus, grpcStatus, retryable) => {
    const error = defineErrors(commonErrors)[code]('detail');
    expect(error).toMatchObject({ code, retryable, spec: { httpStatus, grpcStatus } });
    expect(error.message).toBe(`${commonErrors[code].message}: detail`);
  });
});
