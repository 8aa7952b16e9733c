// Original file: proto/reader.proto

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
  CreateProductRes as _readerService_CreateProductRes,
  CreateProductRes__Output as _readerService_CreateProductRes__Output,
} from '../readerService/CreateProductRes.js';
import type {
  DeleteProductByIdReq as _readerService_DeleteProductByIdReq,
  DeleteProductByIdReq__Output as _readerService_DeleteProductByIdReq__Output,
} from '../readerService/DeleteProductByIdReq.js';
import type {
  DeleteProductByIdRes as _readerService_DeleteProductByIdRes,
  DeleteProductByIdRes__Output as _readerService_DeleteProductByIdRes__Output,
} from '../readerService/DeleteProductByIdRes.js';
import type {
  GetProductByIdReq as _readerService_GetProductByIdReq,
  GetProductByIdReq__Output as _readerService_GetProductByIdReq__Output,
} from '../readerService/GetProductByIdReq.js';
import type {
  GetProductByIdRes as _readerService_GetProductByIdRes,
  GetProductByIdRes__Output as _readerService_GetProductByIdRes__Output,
} from '../readerService/GetProductByIdRes.js';
import type {
  GetProductsByIdsReq as _readerService_GetProductsByIdsReq,
  GetProductsByIdsReq__Output as _readerService_GetProductsByIdsReq__Output,
} from '../readerService/GetProductsByIdsReq.js';
import type {
  GetProductsByIdsRes as _readerService_GetProductsByIdsRes,
  GetProductsByIdsRes__Output as _readerService_GetProductsByIdsRes__Output,
} from '../readerService/GetProductsByIdsRes.js';
import type {
  SearchReq as _readerService_SearchReq,
  SearchReq__Output as _readerService_SearchReq__Output,
} from '../readerService/SearchReq.js';
import type {
  SearchRes as _readerService_SearchRes,
  SearchRes__Output as _readerService_SearchRes__Output,
} from '../readerService/SearchRes.js';
import type {
  UpdateProductRes as _readerService_UpdateProductRes,
  UpdateProductRes__Output as _readerService_UpdateProductRes__Output,
} from '../readerService/UpdateProductRes.js';

/**
 * The write RPCs are kept for the original's clients but write nothing here: each publishes the
 * same Kafka command as the gateway's REST API and answers once Kafka has it; the writer applies
 * it and the read model follows from its event. CreateProduct with an empty ProductID gets a new one.
 */
export interface readerServiceClient extends grpc.Client {
  CreateProduct(
    argument: _products_CreateProductReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  CreateProduct(
    argument: _products_CreateProductReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_readerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  CreateProduct(
    argument: _products_CreateProductReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  CreateProduct(
    argument: _products_CreateProductReq,
    callback: grpc.requestCallback<_readerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  createProduct(
    argument: _products_CreateProductReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  createProduct(
    argument: _products_CreateProductReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_readerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  createProduct(
    argument: _products_CreateProductReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  createProduct(
    argument: _products_CreateProductReq,
    callback: grpc.requestCallback<_readerService_CreateProductRes__Output>,
  ): grpc.ClientUnaryCall;

  DeleteProductByID(
    argument: _readerService_DeleteProductByIdReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_DeleteProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  DeleteProductByID(
    argument: _readerService_DeleteProductByIdReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_readerService_DeleteProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  DeleteProductByID(
    argument: _readerService_DeleteProductByIdReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_DeleteProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  DeleteProductByID(
    argument: _readerService_DeleteProductByIdReq,
    callback: grpc.requestCallback<_readerService_DeleteProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  deleteProductById(
    argument: _readerService_DeleteProductByIdReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_DeleteProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  deleteProductById(
    argument: _readerService_DeleteProductByIdReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_readerService_DeleteProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  deleteProductById(
    argument: _readerService_DeleteProductByIdReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_DeleteProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  deleteProductById(
    argument: _readerService_DeleteProductByIdReq,
    callback: grpc.requestCallback<_readerService_DeleteProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;

  GetProductById(
    argument: _readerService_GetProductByIdReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  GetProductById(
    argument: _readerService_GetProductByIdReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_readerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  GetProductById(
    argument: _readerService_GetProductByIdReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  GetProductById(
    argument: _readerService_GetProductByIdReq,
    callback: grpc.requestCallback<_readerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  getProductById(
    argument: _readerService_GetProductByIdReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  getProductById(
    argument: _readerService_GetProductByIdReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_readerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  getProductById(
    argument: _readerService_GetProductByIdReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;
  getProductById(
    argument: _readerService_GetProductByIdReq,
    callback: grpc.requestCallback<_readerService_GetProductByIdRes__Output>,
  ): grpc.ClientUnaryCall;

  GetProductsByIds(
    argument: _readerService_GetProductsByIdsReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_GetProductsByIdsRes__Output>,
  ): grpc.ClientUnaryCall;
  GetProductsByIds(
    argument: _readerService_GetProductsByIdsReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_readerService_GetProductsByIdsRes__Output>,
  ): grpc.ClientUnaryCall;
  GetProductsByIds(
    argument: _readerService_GetProductsByIdsReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_GetProductsByIdsRes__Output>,
  ): grpc.ClientUnaryCall;
  GetProductsByIds(
    argument: _readerService_GetProductsByIdsReq,
    callback: grpc.requestCallback<_readerService_GetProductsByIdsRes__Output>,
  ): grpc.ClientUnaryCall;
  getProductsByIds(
    argument: _readerService_GetProductsByIdsReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_GetProductsByIdsRes__Output>,
  ): grpc.ClientUnaryCall;
  getProductsByIds(
    argument: _readerService_GetProductsByIdsReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_readerService_GetProductsByIdsRes__Output>,
  ): grpc.ClientUnaryCall;
  getProductsByIds(
    argument: _readerService_GetProductsByIdsReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_GetProductsByIdsRes__Output>,
  ): grpc.ClientUnaryCall;
  getProductsByIds(
    argument: _readerService_GetProductsByIdsReq,
    callback: grpc.requestCallback<_readerService_GetProductsByIdsRes__Output>,
  ): grpc.ClientUnaryCall;

  SearchProduct(
    argument: _readerService_SearchReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_SearchRes__Output>,
  ): grpc.ClientUnaryCall;
  SearchProduct(
    argument: _readerService_SearchReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_readerService_SearchRes__Output>,
  ): grpc.ClientUnaryCall;
  SearchProduct(
    argument: _readerService_SearchReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_SearchRes__Output>,
  ): grpc.ClientUnaryCall;
  SearchProduct(
    argument: _readerService_SearchReq,
    callback: grpc.requestCallback<_readerService_SearchRes__Output>,
  ): grpc.ClientUnaryCall;
  searchProduct(
    argument: _readerService_SearchReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_SearchRes__Output>,
  ): grpc.ClientUnaryCall;
  searchProduct(
    argument: _readerService_SearchReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_readerService_SearchRes__Output>,
  ): grpc.ClientUnaryCall;
  searchProduct(
    argument: _readerService_SearchReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_SearchRes__Output>,
  ): grpc.ClientUnaryCall;
  searchProduct(
    argument: _readerService_SearchReq,
    callback: grpc.requestCallback<_readerService_SearchRes__Output>,
  ): grpc.ClientUnaryCall;

  UpdateProduct(
    argument: _products_UpdateProductReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  UpdateProduct(
    argument: _products_UpdateProductReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_readerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  UpdateProduct(
    argument: _products_UpdateProductReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  UpdateProduct(
    argument: _products_UpdateProductReq,
    callback: grpc.requestCallback<_readerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  updateProduct(
    argument: _products_UpdateProductReq,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  updateProduct(
    argument: _products_UpdateProductReq,
    metadata: grpc.Metadata,
    callback: grpc.requestCallback<_readerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  updateProduct(
    argument: _products_UpdateProductReq,
    options: grpc.CallOptions,
    callback: grpc.requestCallback<_readerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
  updateProduct(
    argument: _products_UpdateProductReq,
    callback: grpc.requestCallback<_readerService_UpdateProductRes__Output>,
  ): grpc.ClientUnaryCall;
}

/**
 * The write RPCs are kept for the original's clients but write nothing here: each publishes the
 * same Kafka command as the gateway's REST API and answers once Kafka has it; the writer applies
 * it and the read model follows from its event. CreateProduct with an empty ProductID gets a new one.
 */
export interface readerServiceHandlers extends grpc.UntypedServiceImplementation {
  CreateProduct: grpc.handleUnaryCall<_products_CreateProductReq__Output, _readerService_CreateProductRes>;

  DeleteProductByID: grpc.handleUnaryCall<
    _readerService_DeleteProductByIdReq__Output,
    _readerService_DeleteProductByIdRes
  >;

  GetProductById: grpc.handleUnaryCall<
    _readerService_GetProductByIdReq__Output,
    _readerService_GetProductByIdRes
  >;

  GetProductsByIds: grpc.handleUnaryCall<
    _readerService_GetProductsByIdsReq__Output,
    _readerService_GetProductsByIdsRes
  >;

  SearchProduct: grpc.handleUnaryCall<_readerService_SearchReq__Output, _readerService_SearchRes>;

  UpdateProduct: grpc.handleUnaryCall<_products_UpdateProductReq__Output, _readerService_UpdateProductRes>;
}

export interface readerServiceDefinition extends grpc.ServiceDefinition {
  CreateProduct: MethodDefinition<
    _products_CreateProductReq,
    _readerService_CreateProductRes,
    _products_CreateProductReq__Output,
    _readerService_CreateProductRes__Output
  >;
  DeleteProductByID: MethodDefinition<
    _readerService_DeleteProductByIdReq,
    _readerService_DeleteProductByIdRes,
    _readerService_DeleteProductByIdReq__Output,
    _readerService_DeleteProductByIdRes__Output
  >;
  GetProductById: MethodDefinition<
    _readerService_GetProductByIdReq,
    _readerService_GetProductByIdRes,
    _readerService_GetProductByIdReq__Output,
    _readerService_GetProductByIdRes__Output
  >;
  GetProductsByIds: MethodDefinition<
    _readerService_GetProductsByIdsReq,
    _readerService_GetProductsByIdsRes,
    _readerService_GetProductsByIdsReq__Output,
    _readerService_GetProductsByIdsRes__Output
  >;
  SearchProduct: MethodDefinition<
    _readerService_SearchReq,
    _readerService_SearchRes,
    _readerService_SearchReq__Output,
    _readerService_SearchRes__Output
  >;
  UpdateProduct: MethodDefinition<
    _products_UpdateProductReq,
    _readerService_UpdateProductRes,
    _products_UpdateProductReq__Output,
    _readerService_UpdateProductRes__Output
  >;
}
