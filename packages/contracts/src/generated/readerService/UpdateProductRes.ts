// Original file: proto/reader.proto

export interface UpdateProductRes {
  ProductID?: string;
}

export interface UpdateProductRes__Output {
  ProductID: string;
}
