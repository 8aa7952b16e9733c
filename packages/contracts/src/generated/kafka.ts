import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type {
  Timestamp as _google_protobuf_Timestamp,
  Timestamp__Output as _google_protobuf_Timestamp__Output,
} from './google/protobuf/Timestamp.js';
import type {
  ProductCreate as _kafkaMessages_ProductCreate,
  ProductCreate__Output as _kafkaMessages_ProductCreate__Output,
} from './kafkaMessages/ProductCreate.js';
import type {
  ProductCreated as _kafkaMessages_ProductCreated,
  ProductCreated__Output as _kafkaMessages_ProductCreated__Output,
} from './kafkaMessages/ProductCreated.js';
import type {
  ProductDelete as _kafkaMessages_ProductDelete,
  ProductDelete__Output as _kafkaMessages_ProductDelete__Output,
} from './kafkaMessages/ProductDelete.js';
import type {
  ProductDeleted as _kafkaMessages_ProductDeleted,
  ProductDeleted__Output as _kafkaMessages_ProductDeleted__Output,
} from './kafkaMessages/ProductDeleted.js';
import type {
  ProductUpdate as _kafkaMessages_ProductUpdate,
  ProductUpdate__Output as _kafkaMessages_ProductUpdate__Output,
} from './kafkaMessages/ProductUpdate.js';
import type {
  ProductUpdated as _kafkaMessages_ProductUpdated,
  ProductUpdated__Output as _kafkaMessages_ProductUpdated__Output,
} from './kafkaMessages/ProductUpdated.js';
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

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new (...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Timestamp: MessageTypeDefinition<_google_protobuf_Timestamp, _google_protobuf_Timestamp__Output>;
    };
  };
  kafkaMessages: {
    ProductCreate: MessageTypeDefinition<_kafkaMessages_ProductCreate, _kafkaMessages_ProductCreate__Output>;
    ProductCreated: MessageTypeDefinition<
      _kafkaMessages_ProductCreated,
      _kafkaMessages_ProductCreated__Output
    >;
    ProductDelete: MessageTypeDefinition<_kafkaMessages_ProductDelete, _kafkaMessages_ProductDelete__Output>;
    ProductDeleted: MessageTypeDefinition<
      _kafkaMessages_ProductDeleted,
      _kafkaMessages_ProductDeleted__Output
    >;
    ProductUpdate: MessageTypeDefinition<_kafkaMessages_ProductUpdate, _kafkaMessages_ProductUpdate__Output>;
    ProductUpdated: MessageTypeDefinition<
      _kafkaMessages_ProductUpdated,
      _kafkaMessages_ProductUpdated__Output
    >;
  };
  products: {
    CreateProductReq: MessageTypeDefinition<_products_CreateProductReq, _products_CreateProductReq__Output>;
    Product: MessageTypeDefinition<_products_Product, _products_Product__Output>;
    UpdateProductReq: MessageTypeDefinition<_products_UpdateProductReq, _products_UpdateProductReq__Output>;
  };
}
