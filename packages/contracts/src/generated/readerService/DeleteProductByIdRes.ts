// Original file: proto/reader.proto

export interface DeleteProductByIdRes {
  ProductID?: string;
}

export interface DeleteProductByIdRes__Output {
  ProductID: string;
}
