// Original file: proto/product.proto

/**
 * CreateProduct of either gRPC API. The reader gives a new product an id when ProductID is "".
 */
export interface CreateProductReq {
  ProductID?: string;
  Name?: string;
  Description?: string;
  Price?: number | string;
}

/**
 * CreateProduct of either gRPC API. The reader gives a new product an id when ProductID is "".
 */
export interface CreateProductReq__Output {
  ProductID: string;
  Name: string;
  Description: string;
  Price: number;
}
