// Original file: proto/kafka.proto

import type { Long } from '@grpc/proto-loader';
import type {
  Timestamp as _google_protobuf_Timestamp,
  Timestamp__Output as _google_protobuf_Timestamp__Output,
} from '../google/protobuf/Timestamp.js';

export interface ProductDeleted {
  ProductID?: string;
  /**
   * The version the delete was committed at (last version + 1), so a stale update that
   * arrives later cannot resurrect the product in the read model.
   */
  Version?: number | string | Long;
  DeletedAt?: _google_protobuf_Timestamp | null;
}

export interface ProductDeleted__Output {
  ProductID: string;
  /**
   * The version the delete was committed at (last version + 1), so a stale update that
   * arrives later cannot resurrect the product in the read model.
   */
  Version: number;
  DeletedAt: _google_protobuf_Timestamp__Output | null;
}
