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
  CreateProductRes as _writerService_CreateProductRes,
  CreateProductRes__Output as _writerService_CreateProductRes__Output,
} from './writerService/CreateProductRes.js';
import type {
  GetProductByIdReq as _writerService_GetProductByIdReq,
  GetProductByIdReq__Output as _writerService_GetProductByIdReq__Output,
} from './writerService/GetProductByIdReq.js';
import type {
  GetProductByIdRes as _writerService_GetProductByIdRes,
  GetProductByIdRes__Output as _writerService_GetProductByIdRes__Output,
} from './writerService/GetProductByIdRes.js';
import type {
  UpdateProductRes as _writerService_UpdateProductRes,
  UpdateProductRes__Output as _writerService_UpdateProductRes__Output,
} from './writerService/UpdateProductRes.js';
import type {
  writerServiceClient as _writerService_writerServiceClient,
  writerServiceDefinition as _writerService_writerServiceDefinition,
} from './writerService/writerService.js';

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
  writerService: {
    CreateProductRes: MessageTypeDefinition<
      _writerService_CreateProductRes,
      _writerService_CreateProductRes__Output
    >;
    GetProductByIdReq: MessageTypeDefinition<
      _writerService_GetProductByIdReq,
      _writerService_GetProductByIdReq__Output
    >;
    GetProductByIdRes: MessageTypeDefinition<
      _writerService_GetProductByIdRes,
      _writerService_GetProductByIdRes__Output
    >;
    UpdateProductRes: MessageTypeDefinition<
      _writerService_UpdateProductRes,
      _writerService_UpdateProductRes__Output
    >;
    writerService: SubtypeConstructor<typeof grpc.Client, _writerService_writerServiceClient> & {
      service: _writerService_writerServiceDefinition;
    };
  };
}
