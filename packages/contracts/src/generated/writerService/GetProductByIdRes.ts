// Original file: proto/writer.proto

import type {
  Product as _writerService_Product,
  Product__Output as _writerService_Product__Output,
} from '../writerService/Product.js';

export interface GetProductByIdRes {
  Product?: _writerService_Product | null;
}

export interface GetProductByIdRes__Output {
  Product: _writerService_Product__Output | null;
}
