// Original file: proto/writer.proto

export interface GetProductByIdReq {
  ProductID?: string;
}

export interface GetProductByIdReq__Output {
  ProductID: string;
}
