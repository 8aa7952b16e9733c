import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type {
  Timestamp as _google_protobuf_Timestamp,
  Timestamp__Output as _google_protobuf_Timestamp__Output,
} from './google/protobuf/Timestamp.js';
import type {
  CreateProductReq as _products_CreateProductReq,
  CreateProductReq__Output as _products_CreateProductReq__Output,
} from './products/CreateProductReq.js';
import type {
  Product as _products_Product,
  Product__Output as _products_Product__Output,
} from './products/Product.js';
import type {
  UpdateProductReq as _products_UpdateProductReq,
  UpdateProductReq__Output as _products_UpdateProductReq__Output,
} from './products/UpdateProductReq.js';
import type {
  CreateProductRes as _readerService_CreateProductRes,
  CreateProductRes__Output as _readerService_CreateProductRes__Output,
} from './readerService/CreateProductRes.js';
import type {
  DeleteProductByIdReq as _readerService_DeleteProductByIdReq,
  DeleteProductByIdReq__Output as _readerService_DeleteProductByIdReq__Output,
} from './readerService/DeleteProductByIdReq.js';
import type {
  DeleteProductByIdRes as _readerService_DeleteProductByIdRes,
  DeleteProductByIdRes__Output as _readerService_DeleteProductByIdRes__Output,
} from './readerService/DeleteProductByIdRes.js';
import type {
  GetProductByIdReq as _readerService_GetProductByIdReq,
  GetProductByIdReq__Output as _readerService_GetProductByIdReq__Output,
} from './readerService/GetProductByIdReq.js';
import type {
  GetProductByIdRes as _readerService_GetProductByIdRes,
  GetProductByIdRes__Output as _readerService_GetProductByIdRes__Output,
} from './readerService/GetProductByIdRes.js';
import type {
  GetProductsByIdsReq as _readerService_GetProductsByIdsReq,
  GetProductsByIdsReq__Output as _readerService_GetProductsByIdsReq__Output,
} from './readerService/GetProductsByIdsReq.js';
import type {
  GetProductsByIdsRes as _readerService_GetProductsByIdsRes,
  GetProductsByIdsRes__Output as _readerService_GetProductsByIdsRes__Output,
} from './readerService/GetProductsByIdsRes.js';
import type {
  ProductLookup as _readerService_ProductLookup,
  ProductLookup__Output as _readerService_ProductLookup__Output,
} from './readerService/ProductLookup.js';
import type {
  readerServiceClient as _readerService_readerServiceClient,
  readerServiceDefinition as _readerService_readerServiceDefinition,
} from './readerService/readerService.js';
import type {
  SearchReq as _readerService_SearchReq,
  SearchReq__Output as _readerService_SearchReq__Output,
} from './readerService/SearchReq.js';
import type {
  SearchRes as _readerService_SearchRes,
  SearchRes__Output as _readerService_SearchRes__Output,
} from './readerService/SearchRes.js';
import type {
  UpdateProductRes as _readerService_UpdateProductRes,
  UpdateProductRes__Output as _readerService_UpdateProductRes__Output,
} from './readerService/UpdateProductRes.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new (...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>;
    };
  };
  products: {
    CreateProductReq: MessageTypeDefinition<_products_CreateProductReq, _products_CreateProductReq__Output>;
    Product: MessageTypeDefinition<_products_Product, _products_Product__Output>;
    UpdateProductReq: MessageTypeDefinition<_products_UpdateProductReq, _products_UpdateProductReq__Output>;
  };
  readerService: {
    CreateProductRes: MessageTypeDefinition<
      _readerService_CreateProductRes,
      _readerService_CreateProductRes__Output
    >;
    DeleteProductByIdReq: MessageTypeDefinition<
      _readerService_DeleteProductByIdReq,
      _readerService_DeleteProductByIdReq__Output
    >;
    DeleteProductByIdRes: MessageTypeDefinition<
      _readerService_DeleteProductByIdRes,
      _readerService_DeleteProductByIdRes__Output
    >;
    GetProductByIdReq: MessageTypeDefinition<
      _readerService_GetProductByIdReq,
      _readerService_GetProductByIdReq__Output
    >;
    GetProductByIdRes: MessageTypeDefinition<
      _readerService_GetProductByIdRes,
      _readerService_GetProductByIdRes__Output
    >;
    GetProductsByIdsReq: MessageTypeDefinition<
      _readerService_GetProductsByIdsReq,
      _readerService_GetProductsByIdsReq__Output
    >;
    GetProductsByIdsRes: MessageTypeDefinition<
      _readerService_GetProductsByIdsRes,
      _readerService_GetProductsByIdsRes__Output
    >;
    ProductLookup: MessageTypeDefinition<_readerService_ProductLookup, _readerService_ProductLookup__Output>;
    SearchReq: MessageTypeDefinition<_readerService_SearchReq, _readerService_SearchReq__Output>;
    SearchRes: MessageTypeDefinition<_readerService_SearchRes, _readerService_SearchRes__Output>;
    UpdateProductRes: MessageTypeDefinition<
      _readerService_UpdateProductRes,
      _readerService_UpdateProductRes__Output
    >;
    /**
     * The write RPCs are kept for the original's clients but write nothing here: each publishes the
     * same Kafka command as the gateway's REST API and answers once Kafka has it; the writer applies
     * it and the read model follows from its event. CreateProduct with an empty ProductID gets a new one.
     */
    readerService: SubtypeConstructor<typeof grpc.Client, _readerService_readerServiceClient> & {
      service: _readerService_readerServiceDefinition;
    };
  };
}
