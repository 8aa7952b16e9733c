// Original file: proto/reader.proto

import type {
  ProductLookup as _readerService_ProductLookup,
  ProductLookup__Output as _readerService_ProductLookup__Output,
} from '../readerService/ProductLookup.js';

/**
 * One lookup per requested id, in the request's order.
 */
export interface GetProductsByIdsRes {
  Lookups?: _readerService_ProductLookup[];
}

/**
 * One lookup per requested id, in the request's order.
 */
export interface GetProductsByIdsRes__Output {
  Lookups: _readerService_ProductLookup__Output[];
}
