// Original file: proto/product.proto

import type { Long } from '@grpc/proto-loader';
import type {
  Timestamp as _google_protobuf_Timestamp,
  Timestamp__Output as _google_protobuf_Timestamp__Output,
} from '../google/protobuf/Timestamp.js';

/**
 * The full state of a product after a change, as committed by the writer.
 */
export interface Product {
  ProductID?: string;
  Name?: string;
  Description?: string;
  Price?: number | string;
  CreatedAt?: _google_protobuf_Timestamp | null;
  UpdatedAt?: _google_protobuf_Timestamp | null;
  /**
   * Starts at 1 on create and grows by one with every committed change.
   */
  Version?: number | string | Long;
}

/**
 * The full state of a product after a change, as committed by the writer.
 */
export interface Product__Output {
  ProductID: string;
  Name: string;
  Description: string;
  Price: number;
  CreatedAt: _google_protobuf_Timestamp__Output | null;
  UpdatedAt: _google_protobuf_Timestamp__Output | null;
  /**
   * Starts at 1 on create and grows by one with every committed change.
   */
  Version: number;
}
