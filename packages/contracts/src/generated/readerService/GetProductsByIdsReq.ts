// Original file: proto/reader.proto

/**
 * Many lookups in one call: the gateway gathers the GETs of one event-loop turn into it, because a
 * unary call costs far more CPU than a lookup (bench/results/get-path-profile.md). At most 500 ids.
 */
export interface GetProductsByIdsReq {
  ProductIDs?: string[];
}

/**
 * Many lookups in one call: the gateway gathers the GETs of one event-loop turn into it, because a
 * unary call costs far more CPU than a lookup (bench/results/get-path-profile.md). At most 500 ids.
 */
export interface GetProductsByIdsReq__Output {
  ProductIDs: string[];
}
