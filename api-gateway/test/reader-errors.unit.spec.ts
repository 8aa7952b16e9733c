import { isAppError } from '@cqrs-products/errors';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { fromGrpcError } from '../src/grpc/reader.client.js';

const grpcError = (code: status, details = 'x'): ServiceError =>
  Object.assign(new Error(details), { code, details, metadata: new Metadata() });

describe('reader gRPC statuses become HTTP answers', () => {
  it.each([
    [status.NOT_FOUND, 404, 'PRODUCT_NOT_FOUND'],
    [status.INVALID_ARGUMENT, 400, 'INVALID_REQUEST'],
    [status.UNAVAILABLE, 503, 'READ_MODEL_UNAVAILABLE'],
    [status.DEADLINE_EXCEEDED, 503, 'READ_MODEL_UNAVAILABLE'],
  ])('status %i -> HTTP %i (%s)', (code, httpStatus, errorCode) => {
    const error = fromGrpcError(grpcError(code));
    expect(isAppError(error) && error.spec.httpStatus).toBe(httpStatus);
    expect(isAppError(error) && error.code).toBe(errorCode);
  });

  it('leaves any other status as an unexpected error (500)', () => {
    expect(isAppError(fromGrpcError(grpcError(status.INTERNAL)))).toBe(false);
  });
});
