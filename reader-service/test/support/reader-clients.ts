import { loadReaderProto } from '@cqrs-products/contracts';
import { type CallOptions, type Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { Redis } from 'ioredis';

export interface CallResult<T> {
  readonly error: ServiceError | null;
  readonly value: T | undefined;
}

/** The reader's gRPC methods as plain promises that resolve with the error instead of throwing. */
export type ReaderCall = <T = Record<string, unknown>>(
  method: string,
  request: object,
  /** Request metadata, e.g. a caller's traceparent. */
  metadata?: Record<string, string>,
) => Promise<CallResult<T>>;

/** A gRPC client of a reader at `address` whose calls resolve with the error instead of throwing. */
export function grpcCaller(address: string): { call: ReaderCall; close(): void } {
  const { proto } = loadReaderProto();
  const client = new proto.readerService.readerService(address, credentials.createInsecure());
  const call: ReaderCall = (method, request, metadata = {}) =>
    new Promise((resolve) => {
      const fn = (client as unknown as Record<string, Unary>)[method];
      if (!fn) throw new Error(`no gRPC method ${method}`);
      const md = new Metadata();
      for (const [name, value] of Object.entries(metadata)) md.set(name, value);
      fn.call(client, request, md, { deadline: Date.now() + 10_000 }, (error, value) =>
        resolve({ error, value: value as never }),
      );
    });
  return { call, close: () => client.close() };
}

/** The reader's `db_client_operation_duration_seconds_count` series for MongoDB, by operation; no pings. */
export async function mongoCommandsOf(metricsPort: number): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('db_client_operation_duration_seconds_count{')) continue;
    const operation = /db_operation="([^"]+)"/.exec(line)?.[1];
    if (!line.includes('db_system="mongodb"') || !operation || operation === 'ping') continue;
    counts[operation] = (counts[operation] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return counts;
}

export async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (found.length > 0) await redis.unlink(...found);
    cursor = next;
  } while (cursor !== '0');
}

type Unary = (
  this: Client,
  request: object,
  metadata: Metadata,
  options: CallOptions,
  callback: (error: ServiceError | null, value?: unknown) => void,
) => void;
