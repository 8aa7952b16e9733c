// Original file: proto/reader.proto

export interface CreateProductRes {
  ProductID?: string;
}

export interface CreateProductRes__Output {
  ProductID: string;
}
