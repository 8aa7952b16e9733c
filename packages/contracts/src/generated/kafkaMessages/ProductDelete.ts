// Original file: proto/kafka.proto

export interface ProductDelete {
  ProductID?: string;
}

export interface ProductDelete__Output {
  ProductID: string;
}
