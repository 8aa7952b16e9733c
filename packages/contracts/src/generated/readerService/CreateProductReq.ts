// Original file: proto/reader.proto

export interface CreateProductReq {
  ProductID?: string;
  Name?: string;
  Description?: string;
  Price?: number | string;
}

export interface CreateProductReq__Output {
  ProductID: string;
  Name: string;
  Description: string;
  Price: number;
}
