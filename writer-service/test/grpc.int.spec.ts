import { randomUUID } from 'node:crypto';
import { decodeMessage, fromTimestamp, loadWriterProto } from '@cqrs-products/contracts';
import {
  credentials,
  Metadata,
  type MethodDefinition,
  makeGenericClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './support/harness.js';
import { useWriter } from './support/writer-fixture.js';

const writer = useWriter();
let client: InstanceType<ReturnType<typeof loadWriterProto>['proto']['writerService']['writerService']>;

beforeAll(() => {
  const { proto } = loadWriterProto();
  client = new proto.writerService.writerService(
    `127.0.0.1:${writer.service.grpcPort}`,
    credentials.createInsecure(),
  );
});
afterAll(async () => {
  client?.close();
});

type Timestamp = { seconds: number; nanos: number };
type ProductRes = { Product: { CreatedAt: Timestamp; UpdatedAt: Timestamp } & Record<string, unknown> };
type LooseUnary = (
  req: object,
  metadata: Metadata,
  callback: (error: ServiceError | null, res?: unknown) => void,
) => unknown;

/** Promise form of a unary call: the response, or the ServiceError it failed with. */
function call<Res>(
  method: 'CreateProduct' | 'UpdateProduct' | 'GetProductById',
  request: object,
  metadata = new Metadata(),
): Promise<Res> {
  const unaryMethod = client[method] as unknown as LooseUnary;
  return new Promise((resolve, reject) =>
    unaryMethod.call(client, request, metadata, (error, response) =>
      error ? reject(error) : resolve(response as Res),
    ),
  );
}
const create = (req: object, metadata?: Metadata) =>
  call<{ ProductID: string }>('CreateProduct', req, metadata);
const update = (req: object) => call<ProductRes>('UpdateProduct', req);
const get = (req: object) => call<ProductRes>('GetProductById', req);

async function failure(
  promise: Promise<unknown>,
): Promise<{ code: number; details: string; errorCode?: string }> {
  try {
    await promise;
  } catch (error) {
    const { code, details, metadata } = error as ServiceError;
    return { code, details, errorCode: metadata.get('error-code')[0]?.toString() };
  }
  throw new Error('the call succeeded');
}

const desk = (productId: string) => ({
  ProductID: productId,
  Name: 'Desk',
  Description: 'Oak desk',
  Price: 120.5,
});

describe('writer gRPC API', () => {
  it('creates, updates and reads a product; each change emits its event like a Kafka command does', async () => {
    const productId = randomUUID();
    const metadata = new Metadata();
    metadata.set('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(await create(desk(productId), metadata)).toEqual({ ProductID: productId });

    const created = await get({ ProductID: productId });
    expect(created).toMatchObject({ Product: { ...desk(productId), Version: 1 } });

    const updated = await update({ ...desk(productId), Name: 'Standing desk', Price: 300 });
    expect(updated).toMatchObject({
      Product: { ProductID: productId, Name: 'Standing desk', Price: 300, Version: 2 },
    });
    // The update keeps the creation time and moves the update time forward.
    expect(updated.Product.CreatedAt).toEqual(created.Product.CreatedAt);
    expect(fromTimestamp(updated.Product.UpdatedAt).getTime()).toBeGreaterThanOrEqual(
      fromTimestamp(created.Product.UpdatedAt).getTime(),
    );
    expect(await get({ ProductID: productId })).toEqual(updated);

    await until(() => writer.eventsOf(productId).length === 2);
    const [createdEvent] = writer.events.messages.filter(
      (m) => m.topic === writer.topics.events.created && m.key === productId,
    );
    expect(createdEvent?.headers.traceparent).toMatch(/^00-4bf92f35/);
    expect(decodeMessage('ProductCreated', createdEvent?.value ?? Buffer.alloc(0)).Product).toMatchObject({
      ...desk(productId),
      Version: 1,
    });
  });

  it('answers INVALID_ARGUMENT, naming the fields, for invalid input and changes nothing', async () => {
    const productId = randomUUID();
    const invalid = await failure(create({ ...desk(productId), Name: '', Price: -1 }));
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);
    expect(invalid.details).toMatch(/Name: must not be empty/);
    expect(invalid.details).toMatch(/Price: must not be negative/);

    expect((await failure(create({ ...desk('not-a-uuid') }))).code).toBe(status.INVALID_ARGUMENT);
    expect((await failure(update({ ...desk(productId), Description: 'x'.repeat(5001) }))).code).toBe(
      status.INVALID_ARGUMENT,
    );
    expect((await failure(get({ ProductID: '42' }))).code).toBe(status.INVALID_ARGUMENT);

    await writer.settled();
    expect(writer.eventsOf(productId)).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown product, on read and on update', async () => {
    const unknown = randomUUID();
    expect(await failure(get({ ProductID: unknown }))).toMatchObject({
      code: status.NOT_FOUND,
      errorCode: 'PRODUCT_NOT_FOUND',
    });
    expect(await failure(update(desk(unknown)))).toMatchObject({
      code: status.NOT_FOUND,
      errorCode: 'PRODUCT_NOT_FOUND',
    });
    const rows = await writer.db.pool.query('SELECT 1 FROM outbox WHERE aggregate_id = $1', [unknown]);
    expect(rows.rowCount).toBe(0);
    // The caller has its answer: nothing is parked for a create that may follow.
    const parked = await writer.db.pool.query('SELECT 1 FROM parked_commands WHERE product_id = $1', [
      unknown,
    ]);
    expect(parked.rowCount).toBe(0);
  });

  it('answers ALREADY_EXISTS when the id is taken, and keeps the first product', async () => {
    const productId = randomUUID();
    await create(desk(productId));
    expect(await failure(create({ ...desk(productId), Name: 'Other' }))).toMatchObject({
      code: status.ALREADY_EXISTS,
      errorCode: 'PRODUCT_ALREADY_EXISTS',
    });
    expect(await get({ ProductID: productId })).toMatchObject({ Product: { Name: 'Desk', Version: 1 } });
  });

  it('reports SERVING on the standard health service, and ready on /ready', async () => {
    const Health = makeGenericClientConstructor(healthService, 'Health');
    const checkMethod = healthService.Check as MethodDefinition<object, unknown>;
    const healthClient = new Health(`127.0.0.1:${writer.service.grpcPort}`, credentials.createInsecure());
    const check = (service: string) =>
      new Promise((resolve, reject) =>
        healthClient.makeUnaryRequest(
          '/grpc.health.v1.Health/Check',
          checkMethod.requestSerialize,
          checkMethod.responseDeserialize,
          { service },
          (error, res) => (error ? reject(error) : resolve(res)),
        ),
      );
    expect(await check('writerService.writerService')).toEqual({ status: 'SERVING' });
    expect(await check('')).toEqual({ status: 'SERVING' });
    healthClient.close();

    const health = await fetch(`http://127.0.0.1:${writer.service.probesPort}/ready`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: { postgres: 'ok', kafka: 'ok', commands: 'ok' } });
  });
});
