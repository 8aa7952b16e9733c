// Original file: proto/kafka.proto

export interface ProductCreate {
  ProductID?: string;
  Name?: string;
  Description?: string;
  Price?: number | string;
}

export interface ProductCreate__Output {
  ProductID: string;
  Name: string;
  Description: string;
  Price: number;
}
