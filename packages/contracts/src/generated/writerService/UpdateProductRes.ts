// Original file: proto/writer.proto

import type {
  Product as _writerService_Product,
  Product__Output as _writerService_Product__Output,
} from '../writerService/Product.js';

export interface UpdateProductRes {
  Product?: _writerService_Product | null;
}

export interface UpdateProductRes__Output {
  Product: _writerService_Product__Output | null;
}
