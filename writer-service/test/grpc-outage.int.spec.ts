import { randomUUID } from 'node:crypto';
import { loadWriterProto, productTopics } from '@cqrs-products/contracts';
import { type GrpcServer, startGrpcServer } from '@cqrs-products/grpc';
import { createLogger } from '@cqrs-products/logger';
import { freePort } from '@cqrs-products/testing';
import { credentials, type ServiceError, status } from '@grpc/grpc-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWriterService, writerServiceName } from '../src/grpc/writer.server.js';
import { findProduct } from '../src/postgres/product.repository.js';
import { createCommandHandler } from '../src/product-command.handler.js';

// The writer's gRPC server wired as start.ts wires it, on a PostgreSQL that cannot be reached: the
// postgres adapter names the outage once, and the server only maps the coded error it gets.
let pool: pg.Pool;
let grpc: GrpcServer;
let client: InstanceType<ReturnType<typeof loadWriterProto>['proto']['writerService']['writerService']>;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: `postgres://postgres:postgres@127.0.0.1:${await freePort()}/x` });
  pool.on('error', () => {});
  const { proto } = loadWriterProto();
  const handleCommand = createCommandHandler({ pool, eventTopics: productTopics('outage_').events });
  grpc = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    services: [writerServiceName],
    register: (server) =>
      registerWriterService(server, proto, {
        handleCommand,
        findProduct: (productId) => findProduct(pool, productId),
        log: createLogger({ service: 'writer-test', level: 'silent' }),
      }),
  });
  client = new proto.writerService.writerService(`127.0.0.1:${grpc.port}`, credentials.createInsecure());
});
afterAll(async () => {
  client?.close();
  await grpc?.stop();
  await pool?.end();
});

function failure(method: 'CreateProduct' | 'GetProductById', request: object): Promise<ServiceError> {
  const unary = client[method] as unknown as (
    req: object,
    callback: (error: ServiceError | null) => void,
  ) => unknown;
  return new Promise((resolve, reject) =>
    unary.call(client, request, (error) =>
      error ? resolve(error) : reject(new Error('the call succeeded')),
    ),
  );
}

describe('the writer gRPC API while PostgreSQL cannot be reached', () => {
  it('answers a command UNAVAILABLE (retry later), coded DEPENDENCY_UNAVAILABLE, not INTERNAL', async () => {
    const productId = randomUUID();
    const error = await failure('CreateProduct', {
      ProductID: productId,
      Name: 'Desk',
      Description: 'Oak desk',
      Price: 120.5,
    });
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.metadata.get('error-code')[0]?.toString()).toBe('DEPENDENCY_UNAVAILABLE');
    expect(error.details).toMatch(/^A dependency is unavailable: PostgreSQL/);
  });

  it('answers a read UNAVAILABLE as well', async () => {
    const error = await failure('GetProductById', { ProductID: randomUUID() });
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.metadata.get('error-code')[0]?.toString()).toBe('DEPENDENCY_UNAVAILABLE');
  });
});
