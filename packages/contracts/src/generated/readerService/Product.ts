// Original file: proto/reader.proto

import type { Long } from '@grpc/proto-loader';
import type {
  Timestamp as _google_protobuf_Timestamp,
  Timestamp__Output as _google_protobuf_Timestamp__Output,
} from '../google/protobuf/Timestamp.js';

export interface Product {
  ProductID?: string;
  Name?: string;
  Description?: string;
  Price?: number | string;
  CreatedAt?: _google_protobuf_Timestamp | null;
  UpdatedAt?: _google_protobuf_Timestamp | null;
  Version?: number | string | Long;
}

export interface Product__Output {
  ProductID: string;
  Name: string;
  Description: string;
  Price: number;
  CreatedAt: _google_protobuf_Timestamp__Output | null;
  UpdatedAt: _google_protobuf_Timestamp__Output | null;
  Version: number;
}
