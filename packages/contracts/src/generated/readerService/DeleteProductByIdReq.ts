// Original file: proto/reader.proto

export interface DeleteProductByIdReq {
  ProductID?: string;
}

export interface DeleteProductByIdReq__Output {
  ProductID: string;
}
