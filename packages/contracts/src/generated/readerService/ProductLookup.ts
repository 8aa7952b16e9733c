// Original file: proto/reader.proto

import type {
  Product as _products_Product,
  Product__Output as _products_Product__Output,
} from '../products/Product.js';

export interface ProductLookup {
  ProductID?: string;
  /**
   * Absent when the product does not exist (never created, or deleted) or when Unavailable is set.
   */
  Product?: _products_Product | null;
  /**
   * The read model could not answer for this id now (as GetProductById's UNAVAILABLE).
   */
  Unavailable?: boolean;
}

export interface ProductLookup__Output {
  ProductID: string;
  /**
   * Absent when the product does not exist (never created, or deleted) or when Unavailable is set.
   */
  Product: _products_Product__Output | null;
  /**
   * The read model could not answer for this id now (as GetProductById's UNAVAILABLE).
   */
  Unavailable: boolean;
}
