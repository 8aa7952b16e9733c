// Original file: proto/writer.proto

import type * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import type {
  CreateProductReq as _writerService_CreateProductReq,
  CreateProductReq__Output as _writerService_CreateProductReq__Output,
} from '../writerService/CreateProductReq.js';
import type {
  CreateProductRes as _writerService_CreateProductRes,
  CreateProductRes__Output as _writerService_CreateProductRes__Output,
} from '../writerService/CreateProductRes.js';
import type {
  GetProductByIdReq as _writerService_GetProductByIdReq,
  GetProductByIdReq__Output as _writerService_GetProductByIdReq__Output,
} from '../writerService/GetProductByIdReq.js';
import type {
  GetProductByIdRes as _writerService_GetProductByIdRes,
  GetProductByIdRes__Output as _writerService_GetProductByIdRes__Output,
} from '../writerService/GetProductByIdRes.js';
import type {
  UpdateProductReq as _writerService_UpdateProductReq,
  UpdateProductReq__Output as _writerService_UpdateProductReq__Output,
} from '../writerService/UpdateProductReq.js';
import type {
  UpdateProductRes as _writerService_UpdateProductRes,
  UpdateProductRes__Output as _writerService_UpdateProductRes__Output,
} from '../writerService/UpdateProductRes.js';

export interface writerServiceClient extends grpc.Client {
  CreateProduct(
    argument: _writerService_CreateProductReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  CreateProduct(
    argument: _writerService_CreateProductReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  CreateProduct(
    argument: _writerService_CreateProductReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  CreateProduct(
    argument: _writerService_CreateProductReq,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  createProduct(
    argument: _writerService_CreateProductReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  createProduct(
    argument: _writerService_CreateProductReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  createProduct(
    argument: _writerService_CreateProductReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  createProduct(
    argument: _writerService_CreateProductReq,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;

  GetProductById(
    argument: _writerService_GetProductByIdReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  GetProductById(
    argument: _writerService_GetProductByIdReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_writerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  GetProductById(
    argument: _writerService_GetProductByIdReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  GetProductById(
    argument: _writerService_GetProductByIdReq,
    callback: grpc.requestCallback<_writerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  getProductById(
    argument: _writerService_GetProductByIdReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  getProductById(
    argument: _writerService_GetProductByIdReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_writerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  getProductById(
    argument: _writerService_GetProductByIdReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  getProductById(
    argument: _writerService_GetProductByIdReq,
    callback: grpc.requestCallback<_writerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;

  UpdateProduct(
    argument: _writerService_UpdateProductReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  UpdateProduct(
    argument: _writerService_UpdateProductReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  UpdateProduct(
    argument: _writerService_UpdateProductReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  UpdateProduct(
    argument: _writerService_UpdateProductReq,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  updateProduct(
    argument: _writerService_UpdateProductReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  updateProduct(
    argument: _writerService_UpdateProductReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  updateProduct(
    argument: _writerService_UpdateProductReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  updateProduct(
    argument: _writerService_UpdateProductReq,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
}

export interface writerServiceHandlers extends grpc.UntypedServiceImplementation {
  CreateProduct: grpc.handleUnaryCall<
    _writerService_CreateProductReq__Output,
    _writerService_CreateProductRes
  >;

  GetProductById: grpc.handleUnaryCall<
    _writerService_GetProductByIdReq__Output,
    _writerService_GetProductByIdRes
  >;

  UpdateProduct: grpc.handleUnaryCall<
    _writerService_UpdateProductReq__Output,
    _writerService_UpdateProductRes
  >;
}

export interface writerServiceDefinition extends grpc.ServiceDefinition {
  CreateProduct: MethodDefinition<
    _writerService_CreateProductReq,
    _writerService_CreateProductRes,
    _writerService_CreateProductReq__Output,
    _writerService_CreateProductRes__Output
  >;
  GetProductById: MethodDefinition<
    _writerService_GetProductByIdReq,
    _writerService_GetProductByIdRes,
    _writerService_GetProductByIdReq__Output,
    _writerService_GetProductByIdRes__Output
  >;
  UpdateProduct: MethodDefinition<
    _writerService_UpdateProductReq,
    _writerService_UpdateProductRes,
    _writerService_UpdateProductReq__Output,
    _writerService_UpdateProductRes__Output
  >;
}
