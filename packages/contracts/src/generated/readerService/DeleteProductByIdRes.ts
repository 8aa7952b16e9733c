// Original file: proto/reader.proto

export interface DeleteProductByIdRes {}

export interface DeleteProductByIdRes__Output {}
