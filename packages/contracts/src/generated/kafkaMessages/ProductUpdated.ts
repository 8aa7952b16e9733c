// Original file: proto/kafka.proto

import type {
  Product as _kafkaMessages_Product,
  Product__Output as _kafkaMessages_Product__Output,
} from '../kafkaMessages/Product.js';

export interface ProductUpdated {
  Product?: _kafkaMessages_Product | null;
}

export interface ProductUpdated__Output {
  Product: _kafkaMessages_Product__Output | null;
}
