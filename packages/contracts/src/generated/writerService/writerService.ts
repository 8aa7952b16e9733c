// Original file: proto/writer.proto

import type * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import type {
  CreateProductReq as _products_CreateProductReq,
  CreateProductReq__Output as _products_CreateProductReq__Output,
} from '../products/CreateProductReq.js';
import type {
  UpdateProductReq as _products_UpdateProductReq,
  UpdateProductReq__Output as _products_UpdateProductReq__Output,
} from '../products/UpdateProductReq.js';
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
  UpdateProductRes as _writerService_UpdateProductRes,
  UpdateProductRes__Output as _writerService_UpdateProductRes__Output,
} from '../writerService/UpdateProductRes.js';

export interface writerServiceClient extends grpc.Client {
  CreateProduct(
    argument: _products_CreateProductReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  CreateProduct(
    argument: _products_CreateProductReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  CreateProduct(
    argument: _products_CreateProductReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  CreateProduct(
    argument: _products_CreateProductReq,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  createProduct(
    argument: _products_CreateProductReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  createProduct(
    argument: _products_CreateProductReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  createProduct(
    argument: _products_CreateProductReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  createProduct(
    argument: _products_CreateProductReq,
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
    argument: _products_UpdateProductReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  UpdateProduct(
    argument: _products_UpdateProductReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  UpdateProduct(
    argument: _products_UpdateProductReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  UpdateProduct(
    argument: _products_UpdateProductReq,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  updateProduct(
    argument: _products_UpdateProductReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  updateProduct(
    argument: _products_UpdateProductReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  updateProduct(
    argument: _products_UpdateProductReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  updateProduct(
    argument: _products_UpdateProductReq,
    callback: grpc.requestCallback<_writerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
}

export interface writerServiceHandlers extends grpc.UntypedServiceImplementation {
  CreateProduct: grpc.handleUnaryCall<_products_CreateProductReq__Output, _writerService_CreateProductRes>;

  GetProductById: grpc.handleUnaryCall<
    _writerService_GetProductByIdReq__Output,
    _writerService_GetProductByIdRes
  >;

  UpdateProduct: grpc.handleUnaryCall<_products_UpdateProductReq__Output, _writerService_UpdateProductRes>;
}

export interface writerServiceDefinition extends grpc.ServiceDefinition {
  CreateProduct: MethodDefinition<
    _products_CreateProductReq,
    _writerService_CreateProductRes,
    _products_CreateProductReq__Output,
    _writerService_CreateProductRes__Output
  >;
  GetProductById: MethodDefinition<
    _writerService_GetProductByIdReq,
    _writerService_GetProductByIdRes,
    _writerService_GetProductByIdReq__Output,
    _writerService_GetProductByIdRes__Output
  >;
  UpdateProduct: MethodDefinition<
    _products_UpdateProductReq,
    _writerService_UpdateProductRes,
    _products_UpdateProductReq__Output,
    _writerService_UpdateProductRes__Output
  >;
}
