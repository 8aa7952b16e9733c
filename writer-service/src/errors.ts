import { defineErrors, type ErrorCatalogue, GrpcStatus } from '@cqrs-products/errors';

/** The writer's own failures; shared ones (validation, dependency down) are in commonErrors. */
export const writerErrorCatalogue = {
  PRODUCT_NOT_FOUND: {
    message: 'Product not found',
    httpStatus: 404,
    grpcStatus: GrpcStatus.NOT_FOUND,
  },
  PRODUCT_ALREADY_EXISTS: {
    message: 'Product already exists',
    httpStatus: 409,
    grpcStatus: GrpcStatus.ALREADY_EXISTS,
  },
} as const satisfies ErrorCatalogue;

export const writerErrors = defineErrors(writerErrorCatalogue);
