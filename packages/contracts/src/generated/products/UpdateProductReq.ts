// Original file: proto/product.proto

/**
 * UpdateProduct of either gRPC API.
 */
export interface UpdateProductReq {
  ProductID?: string;
  Name?: string;
  Description?: string;
  Price?: number | string;
}

/**
 * UpdateProduct of either gRPC API.
 */
export interface UpdateProductReq__Output {
  ProductID: string;
  Name: string;
  Description: string;
  Price: number;
}
