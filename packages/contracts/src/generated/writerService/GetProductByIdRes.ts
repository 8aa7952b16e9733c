// Original file: proto/writer.proto

import type {
  Product as _products_Product,
  Product__Output as _products_Product__Output,
} from '../products/Product.js';

export interface GetProductByIdRes {
  Product?: _products_Product | null;
}

export interface GetProductByIdRes__Output {
  Product: _products_Product__Output | null;
}
