// Original file: proto/kafka.proto

export interface ProductUpdate {
  ProductID?: string;
  Name?: string;
  Description?: string;
  Price?: number | string;
}

export interface ProductUpdate__Output {
  ProductID: string;
  Name: string;
  Description: string;
  Price: number;
}
