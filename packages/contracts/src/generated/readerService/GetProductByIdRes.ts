// Original file: proto/reader.proto

import type {
  Product as _readerService_Product,
  Product__Output as _readerService_Product__Output,
} from '../readerService/Product.js';

export interface GetProductByIdRes {
  Product?: _readerService_Product | null;
}

export interface GetProductByIdRes__Output {
  Product: _readerService_Product__Output | null;
}
