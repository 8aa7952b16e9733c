// Original file: proto/reader.proto

export interface UpdateProductReq {
  ProductID?: string;
  Name?: string;
  Description?: string;
  Price?: number | string;
}

export interface UpdateProductReq__Output {
  ProductID: string;
  Name: string;
  Description: string;
  Price: number;
}
