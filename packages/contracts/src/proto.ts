import { fileURLToPath } from 'node:url';
import type * as grpc from '@grpc/grpc-js';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import type { ProtoGrpcType as ReaderProto } from './generated/reader.js';
import type { ProtoGrpcType as WriterProto } from './generated/writer.js';

/** proto/ at the repository root: the same depth from src/ and dist/, and copied as-is into images. */
export const protoDir = fileURLToPath(new URL('../../../proto/', import.meta.url));

/**
 * Must match the flags in scripts/gen-proto.sh, otherwise the generated types would describe
 * values different from the ones the loader produces (e.g. Long objects instead of numbers).
 */
export const protoLoaderOptions: Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [protoDir],
};

export interface LoadedProto<T> {
  /** Typed service constructors and definitions, for servers and clients. */
  readonly proto: T;
  /** The raw definition, for server reflection. */
  readonly definition: PackageDefinition;
}

function loadGrpc<T>(file: string): LoadedProto<T> {
  const definition = loadSync(file, protoLoaderOptions);
  return { proto: loadPackageDefinition(definition) as unknown as T, definition };
}

export const loadReaderProto = (): LoadedProto<ReaderProto> => loadGrpc<ReaderProto>('reader.proto');
export const loadWriterProto = (): LoadedProto<WriterProto> => loadGrpc<WriterProto>('writer.proto');

export type { grpc };
