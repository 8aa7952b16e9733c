// Original file: proto/reader.proto

import type { Long } from '@grpc/proto-loader';

export interface GetProductByIdReq {
  ProductID?: string;
  /**
   * Read-your-writes: answer only once the read model holds at least this version (0: any).
   */
  MinVersion?: number | string | Long;
  /**
   * Read-your-writes: answer only once the change of this command (the consistencyToken the
   * gateway answered an update or delete with) is applied ("": none).
   */
  ConsistencyToken?: string;
}

export interface GetProductByIdReq__Output {
  ProductID: string;
  /**
   * Read-your-writes: answer only once the read model holds at least this version (0: any).
   */
  MinVersion: number;
  /**
   * Read-your-writes: answer only once the change of this command (the consistencyToken the
   * gateway answered an update or delete with) is applied ("": none).
   */
  ConsistencyToken: string;
}
