// Original file: proto/reader.proto

import type { Long } from '@grpc/proto-loader';

export interface SearchReq {
  Search?: string;
  page?: number | string | Long;
  size?: number | string | Long;
}

export interface SearchReq__Output {
  Search: string;
  page: number;
  size: number;
}
