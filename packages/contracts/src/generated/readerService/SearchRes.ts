// Original file: proto/reader.proto

import type { Long } from '@grpc/proto-loader';
import type {
  Product as _products_Product,
  Product__Output as _products_Product__Output,
} from '../products/Product.js';

export interface SearchRes {
  TotalCount?: number | string | Long;
  TotalPages?: number | string | Long;
  Page?: number | string | Long;
  Size?: number | string | Long;
  HasMore?: boolean;
  Products?: _products_Product[];
}

export interface SearchRes__Output {
  TotalCount: number;
  TotalPages: number;
  Page: number;
  Size: number;
  HasMore: boolean;
  Products: _products_Product__Output[];
}
