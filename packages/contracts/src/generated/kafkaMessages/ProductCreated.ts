// Original file: proto/kafka.proto

import type {
  Product as _products_Product,
  Product__Output as _products_Product__Output,
} from '../products/Product.js';

export interface ProductCreated {
  Product?: _products_Product | null;
}

export interface ProductCreated__Output {
  Product: _products_Product__Output | null;
}
