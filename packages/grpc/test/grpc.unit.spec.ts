import { loadWriterProto } from '@cqrs-products/contracts';
import { defineErrors, GrpcStatus } from '@cqrs-products/errors';
import { credentials, type Metadata, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type GrpcServer, startGrpcServer, unary } from '../src/index.js';

const { proto, definition } = loadWriterProto();
const errors = defineErrors({
  PRODUCT_NOT_FOUND: { message: 'Product not found', httpStatus: 404, grpcStatus: GrpcStatus.NOT_FOUND },
});
const silent = { error() {} };
const service = 'writerService.writerService';

let server: GrpcServer;
let client: InstanceType<typeof proto.writerService.writerService>;

beforeAll(async () => {
  server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    services: [service],
    reflection: definition,
    register: (s) =>
      s.addService(proto.writerService.writerService.service, {
        GetProductById: unary(
          'GetProductById',
          z.object({ ProductID: z.uuid() }),
          async ({ ProductID }) => {
            if (ProductID.startsWith('0')) throw errors.PRODUCT_NOT_FOUND(ProductID);
            if (ProductID.startsWith('f')) throw new Error('database password is hunter2');
            return { Product: { ProductID, Name: 'Lamp', Version: 1 } };
          },
          silent,
        ),
      }),
  });
  client = new proto.writerService.writerService(`127.0.0.1:${server.port}`, credentials.createInsecure());
});
afterAll(() => server?.stop(100));

const call = (ProductID: string) =>
  new Promise<{ error: ServiceError | null; value: unknown; trailers?: Metadata }>((resolve) => {
    let trailers: Metadata | undefined;
    const c = client.GetProductById({ ProductID }, (error, value) => resolve({ error, value, trailers }));
    c.on('status', (s) => {
      trailers = s.metadata;
    });
  });

describe('unary gRPC methods', () => {
  it('answer with the handler result for valid input', async () => {
    const { error, value } = await call('a0000000-0000-4000-8000-000000000001');
    expect(error).toBeNull();
    expect(value).toMatchObject({ Product: { Name: 'Lamp', Version: 1 } });
  });

  it('answer INVALID_ARGUMENT naming the field when input does not match the schema', async () => {
    const { error } = await call('not-a-uuid');
    expect(error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error?.details).toMatch(/^ProductID: /);
  });

  it('map a coded error to its status and expose its code', async () => {
    const { error } = await call('00000000-0000-4000-8000-000000000001');
    expect(error?.code).toBe(GrpcStatus.NOT_FOUND);
    expect(error?.details).toBe('Product not found: 00000000-0000-4000-8000-000000000001');
    expect(error?.metadata.get('error-code')).toEqual(['PRODUCT_NOT_FOUND']);
  });

  it('answer INTERNAL for an unexpected error without leaking its message', async () => {
    const { error } = await call('f0000000-0000-4000-8000-000000000001');
    expect(error?.code).toBe(GrpcStatus.INTERNAL);
    expect(error?.details).toBe('internal error');
  });
});

describe('health service', () => {
  it('reports the service as SERVING', async () => {
    const HealthClient = makeGenericClientConstructor(healthService, 'Health');
    const health = new HealthClient(`127.0.0.1:${server.port}`, credentials.createInsecure()) as unknown as {
      check(req: object, cb: (e: Error | null, v?: { status?: string }) => void): void;
      close(): void;
    };
    const response = await new Promise<{ status?: unknown }>((resolve, reject) =>
      health.check({ service }, (error, value) => (error ? reject(error) : resolve(value ?? {}))),
    );
    expect(response.status).toBe('SERVING');
    health.close();
  });
});
