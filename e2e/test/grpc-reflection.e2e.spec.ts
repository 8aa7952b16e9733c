import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadReaderProto, loadWriterProto } from '@cqrs-products/contracts';
import { eventually, type Stack, startStack } from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Both gRPC servers as a reflection client sees them: grpcurl (the pinned build from
 * scripts/tools/grpcurl.sh) knows nothing but the address, lists the services, describes every
 * method's messages (well-known types included) and calls each method.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
let grpcurl: string;
let stack: Stack;

beforeAll(async () => {
  grpcurl = execFileSync('bash', [`${root}scripts/tools/grpcurl.sh`], { encoding: 'utf8' }).trim();
  stack = await startStack(undefined, 'error');
});
afterAll(() => stack?.stop());

const call = async (address: string, args: readonly string[], body?: object) => {
  const data = body ? ['-d', JSON.stringify(body)] : [];
  const { stdout } = await run(grpcurl, ['-plaintext', ...data, address, ...args]);
  return stdout;
};
const invoke = async (address: string, method: string, body: object) =>
  JSON.parse(await call(address, [method], body)) as Record<string, unknown>;

// Every method of each service's definition, as the server registers it; their names are pinned
// by the contracts' own test (packages/contracts/test/kafka-codec.unit.spec.ts).
const methodsOf = (definition: { service: object }) => Object.keys(definition.service);

describe.each([
  [
    'writer-service',
    'writerService.writerService',
    methodsOf(loadWriterProto().proto.writerService.writerService),
  ],
  [
    'reader-service',
    'readerService.readerService',
    methodsOf(loadReaderProto().proto.readerService.readerService),
  ],
] as const)('gRPC reflection of %s', (service, fullName, methods) => {
  const address = () => stack.grpcAddresses[service];

  it('lists the service and the health service', async () => {
    const listed = (await call(address(), ['list'])).trim().split('\n');
    expect(listed).toEqual(expect.arrayContaining([fullName, 'grpc.health.v1.Health']));
  });

  it('describes every method with its messages, google.protobuf.Timestamp included', async () => {
    const described = await call(address(), ['describe', fullName]);
    for (const method of methods) expect(described).toContain(`rpc ${method} (`);
    // Both services answer with the one shared products.Product (proto/product.proto).
    const product = await call(address(), ['describe', 'products.Product']);
    expect(product).toContain('.google.protobuf.Timestamp CreatedAt');
    expect(await invoke(address(), 'grpc.health.v1.Health/Check', { service: '' })).toEqual({
      status: 'SERVING',
    });
  });
});

describe('every method can be called through reflection', () => {
  const fields = { Name: 'Reflected lamp', Description: 'called by grpcurl', Price: 12.5 };

  it('writer: create, update, get', async () => {
    const writer = stack.grpcAddresses['writer-service'];
    const ProductID = randomUUID();
    expect(
      await invoke(writer, 'writerService.writerService/CreateProduct', { ProductID, ...fields }),
    ).toEqual({
      ProductID,
    });
    const updated = await invoke(writer, 'writerService.writerService/UpdateProduct', {
      ProductID,
      ...fields,
      Price: 13,
    });
    expect(updated.Product).toMatchObject({ ProductID, Price: 13, Version: '2' });
    const got = await invoke(writer, 'writerService.writerService/GetProductById', { ProductID });
    expect(got.Product).toMatchObject({ ProductID, Name: fields.Name, Version: '2' });
  });

  it('reader: get and search what the writer created, and its own write methods', async () => {
    const writer = stack.grpcAddresses['writer-service'];
    const reader = stack.grpcAddresses['reader-service'];
    const ProductID = randomUUID();
    const word = `refl${Date.now().toString(36)}`;
    await invoke(writer, 'writerService.writerService/CreateProduct', { ProductID, ...fields, Name: word });
    const got = await eventually(
      () =>
        invoke(reader, 'readerService.readerService/GetProductById', { ProductID }).catch(() => undefined),
      (answer) => answer !== undefined,
    );
    expect(got?.Product).toMatchObject({ ProductID, Name: word });
    const unknown = randomUUID();
    const many = await invoke(reader, 'readerService.readerService/GetProductsByIds', {
      ProductIDs: [ProductID, unknown],
    });
    expect(many).toMatchObject({
      Lookups: [{ ProductID, Product: expect.objectContaining({ Name: word }) }, { ProductID: unknown }],
    });
    expect((many.Lookups as object[])[1]).not.toHaveProperty('Product');
    const found = await invoke(reader, 'readerService.readerService/SearchProduct', {
      Search: word,
      page: 1,
      size: 10,
    });
    expect(found).toMatchObject({ TotalCount: '1', Products: [expect.objectContaining({ ProductID })] });

    const own = randomUUID();
    expect(
      await invoke(reader, 'readerService.readerService/CreateProduct', { ProductID: own, ...fields }),
    ).toEqual({
      ProductID: own,
    });
    expect(
      await invoke(reader, 'readerService.readerService/UpdateProduct', { ProductID: own, ...fields }),
    ).toEqual({
      ProductID: own,
    });
    expect(await invoke(reader, 'readerService.readerService/DeleteProductByID', { ProductID: own })).toEqual(
      { ProductID: own },
    );
  });
});
