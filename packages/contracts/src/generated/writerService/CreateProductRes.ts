// Original file: proto/writer.proto

export interface CreateProductRes {
  ProductID?: string;
}

export interface CreateProductRes__Output {
  ProductID: string;
}
