import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  decodeMessage,
  type ProductTopics,
  productTopics,
  type SearchRes,
  type WireProduct,
} from '@cqrs-products/contracts';
import { GrpcStatus } from '@cqrs-products/errors';
import type { CollectedMessage } from '@cqrs-products/testing';
import {
  credentials,
  type GrpcObject,
  loadPackageDefinition,
  makeGenericClientConstructor,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newProductId, type ReaderHarness, startReaderHarness, until } from './support/reader-harness.js';

type GrpcProduct = WireProduct;

let reader: ReaderHarness;
beforeAll(async () => {
  reader = await startReaderHarness();
});
afterAll(() => reader?.stop());

const lamp = { Name: 'Lamp', Description: 'A desk lamp', Price: 19.99 };
const get = (ProductID: string) => reader.call<{ Product: GrpcProduct }>('GetProductById', { ProductID });
const search = (request: object) => reader.call<SearchRes>('SearchProduct', request);
/** A product as the writer's event puts it in the read model (no writer runs in this file). */
const create = (ProductID: string, fields: object = lamp) =>
  reader.created({ ProductID, ...lamp, ...fields, Version: 1 });

describe('the write RPCs publish commands for the writer and write nothing here', () => {
  let commandTopics: ProductTopics['commands'];
  let published: Record<'create' | 'update' | 'delete', CollectedMessage[]>;
  beforeAll(async () => {
    commandTopics = productTopics(reader.config.kafka.topicPrefix).commands;
    published = {
      create: await reader.collect(commandTopics.create),
      update: await reader.collect(commandTopics.update),
      delete: await reader.collect(commandTopics.delete),
    };
  });

  const header = (message: CollectedMessage | undefined, name: string) =>
    message?.headers?.[name]?.toString();
  const publishedFor = async (kind: keyof typeof published, id: string) => {
    await until(() => published[kind].some((m) => m.key?.toString() === id), {
      timeoutMs: 15_000,
      what: `the ${kind} command for ${id}`,
    });
    return published[kind].filter((m) => m.key?.toString() === id);
  };

  it('CreateProduct answers the id once Kafka has the ProductCreate, as the gateway publishes it', async () => {
    const id = newProductId();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(await reader.call('CreateProduct', { ProductID: id, ...lamp }, { traceparent })).toEqual({
      error: null,
      value: { ProductID: id },
    });

    const [message, ...more] = await publishedFor('create', id);
    expect(more).toEqual([]);
    expect(decodeMessage('ProductCreate', message?.value ?? Buffer.alloc(0))).toEqual({
      ProductID: id,
      ...lamp,
    });
    expect(header(message, 'message-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(header(message, 'message-type')).toBe('ProductCreate');
    expect(header(message, 'content-type')).toBe('application/x-protobuf');
    expect(header(message, 'traceparent')).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
    // Nothing reached the read model: only the writer's event may put the product there.
    expect(await reader.products.findOne({ _id: id } as never)).toBeNull();
    expect((await get(id)).error?.code).toBe(GrpcStatus.NOT_FOUND);
  });

  it('CreateProduct without an id publishes the command under a new one and answers it', async () => {
    const { value } = await reader.call<{ ProductID: string }>('CreateProduct', { ...lamp });
    const id = value?.ProductID ?? '';
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
    expect(await publishedFor('create', id)).toHaveLength(1);
  });

  it('UpdateProduct and DeleteProductByID publish ProductUpdate and ProductDelete and change nothing here', async () => {
    const id = newProductId();
    await create(id);
    await reader.untilConsumed();

    const changed = { ProductID: id, Name: 'Floor lamp', Description: 'Tall', Price: 49 };
    expect(await reader.call('UpdateProduct', changed)).toEqual({ error: null, value: { ProductID: id } });
    expect(await reader.call('DeleteProductByID', { ProductID: id })).toEqual({
      error: null,
      value: { ProductID: id },
    });

    const [update] = await publishedFor('update', id);
    expect(decodeMessage('ProductUpdate', update?.value ?? Buffer.alloc(0))).toEqual(changed);
    const [remove] = await publishedFor('delete', id);
    expect(decodeMessage('ProductDelete', remove?.value ?? Buffer.alloc(0))).toEqual({ ProductID: id });
    expect(header(remove, 'message-type')).toBe('ProductDelete');
    expect((await get(id)).value?.Product).toMatchObject({ ...lamp, Version: 1 });
  });

  it.each([
    ['CreateProduct', 'a product id that is not a UUID', { ProductID: 'abc' }, /^ProductID: must be a UUID/],
    ['CreateProduct', 'an empty name', { Name: '  ' }, /^Name: must not be empty/],
    ['CreateProduct', 'a negative price', { Price: -1 }, /^Price: must not be negative/],
    ['UpdateProduct', 'no product id', { ProductID: '' }, /^ProductID: must be a UUID/],
    ['UpdateProduct', 'an empty description', { Description: '' }, /^Description: must not be empty/],
    [
      'DeleteProductByID',
      'a product id that is not a UUID',
      { ProductID: 'x' },
      /^ProductID: must be a UUID/,
    ],
  ])('%s answers INVALID_ARGUMENT for %s and publishes nothing', async (method, _, fields, details) => {
    const id = newProductId();
    const { error } = await reader.call(method, { ProductID: id, ...lamp, ...fields });
    expect(error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error?.details).toMatch(details);

    // A valid command sent after it is the marker: once it is there, the invalid one would be too.
    const kind = method === 'CreateProduct' ? 'create' : method === 'UpdateProduct' ? 'update' : 'delete';
    const marker = newProductId();
    expect((await reader.call(method, { ProductID: marker, ...lamp })).error).toBeNull();
    await publishedFor(kind, marker);
    expect(published[kind].filter((m) => m.key?.toString() === id)).toEqual([]);
  });
});

describe('GetProductById', () => {
  it('answers NOT_FOUND for an unknown product and INVALID_ARGUMENT for a malformed id', async () => {
    const missing = await get(newProductId());
    expect(missing.error?.code).toBe(GrpcStatus.NOT_FOUND);
    expect(missing.error?.metadata.get('error-code')).toEqual(['PRODUCT_NOT_FOUND']);
    expect((await get('123')).error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
  });
});

describe('GetProductsByIds', () => {
  interface Lookups {
    Lookups: { ProductID: string; Product: GrpcProduct | null; Unavailable: boolean }[];
  }
  const getMany = (ProductIDs: string[]) => reader.call<Lookups>('GetProductsByIds', { ProductIDs });

  it('answers one lookup per id in the order asked: the current version, or no product', async () => {
    const [updated, deleted, unknown, plain] = [
      newProductId(),
      newProductId(),
      newProductId(),
      newProductId(),
    ];
    await create(updated);
    await create(deleted);
    await create(plain, { Name: 'Chair' });
    await reader.updated({ ProductID: updated, ...lamp, Name: 'Floor lamp', Version: 2 });
    await reader.deleted(deleted, 2);
    await reader.untilConsumed();

    const { error, value } = await getMany([unknown, updated, deleted, plain, updated]);
    expect(error).toBeNull();
    expect(
      value?.Lookups.map((l) => [l.ProductID, l.Product?.Name ?? null, l.Product?.Version ?? null]),
    ).toEqual([
      [unknown, null, null],
      [updated, 'Floor lamp', 2],
      [deleted, null, null],
      [plain, 'Chair', 1],
      [updated, 'Floor lamp', 2],
    ]);
    expect(value?.Lookups.every((l) => l.Unavailable === false)).toBe(true);
    // The same product as GetProductById answers, field for field.
    expect(value?.Lookups[3]?.Product).toEqual((await get(plain)).value?.Product);
  });

  it.each([
    ['no ids', [], /^ProductIDs: must name at least one product/],
    ['more than 500 ids', Array.from({ length: 501 }, newProductId), /^ProductIDs: must name at most 500/],
    ['an id that is not a UUID', [newProductId(), 'abc'], /^ProductIDs\.1: must be a UUID/],
  ])('answers INVALID_ARGUMENT for %s', async (_, ids, details) => {
    const { error } = await getMany(ids as string[]);
    expect(error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error?.details).toMatch(details);
  });
});

describe('SearchProduct', () => {
  // A token of this test run in every name, so the counts below see only these products.
  const token = `zq${Date.now().toString(36)}`;
  const ids: string[] = [];
  beforeAll(async () => {
    for (let i = 1; i <= 25; i++) {
      const id = newProductId();
      ids.push(id);
      const name = `${token} Widget ${String(i).padStart(2, '0')}`;
      await create(id, { Name: name, Description: 'Sturdy', Price: i });
    }
    await reader.untilConsumed();
  });

  it('pages through every match exactly once, newest first, and says when there is more', async () => {
    const pages = await Promise.all([1, 2, 3].map((page) => search({ Search: token, page, size: 10 })));

    expect(pages.map((p) => [p.value?.Products.length, p.value?.HasMore])).toEqual([
      [10, true],
      [10, true],
      [5, false],
    ]);
    expect(pages[0]?.value).toMatchObject({ TotalCount: 25, TotalPages: 3, Page: 1, Size: 10 });
    const seen = pages.flatMap((p) => p.value?.Products.map((product) => product.ProductID) ?? []);
    expect(new Set(seen).size).toBe(25);
    expect(new Set(seen)).toEqual(new Set(ids));
    const all = pages.flatMap((p) => p.value?.Products ?? []);
    const millis = (p: GrpcProduct) => (p.CreatedAt?.seconds ?? 0) * 1000 + (p.CreatedAt?.nanos ?? 0) / 1e6;
    const newestFirst = [...all].sort(
      (a, b) => millis(b) - millis(a) || (a.ProductID < b.ProductID ? -1 : 1),
    );
    expect(all.map((p) => p.ProductID)).toEqual(newestFirst.map((p) => p.ProductID));
    expect(all.every((p) => p.Version === 1)).toBe(true);
  });

  it('answers a page past the end, and a search without matches, with an empty list', async () => {
    expect((await search({ Search: token, page: 4, size: 10 })).value).toMatchObject({
      TotalCount: 25,
      TotalPages: 3,
      Page: 4,
      HasMore: false,
      Products: [],
    });
    expect((await search({ Search: `${token}-nothing` })).value).toMatchObject({
      TotalCount: 0,
      TotalPages: 0,
      HasMore: false,
      Products: [],
    });
  });

  it('defaults to page 1 of 10 and accepts sizes from 1 to 100', async () => {
    expect((await search({ Search: token })).value).toMatchObject({ Page: 1, Size: 10, TotalPages: 3 });
    expect((await search({ Search: token, size: 1 })).value).toMatchObject({ Size: 1, TotalPages: 25 });
    expect((await search({ Search: token, size: 100 })).value?.Products).toHaveLength(25);
  });

  it.each([
    [{ size: 101 }, /^size: must be at most 100/],
    [{ size: -1 }, /^size: must be at least 1/],
    [{ page: -1 }, /^page: must be at least 1/],
  ])('answers INVALID_ARGUMENT for paging %j', async (paging, details) => {
    const { error } = await search({ Search: token, ...paging });
    expect(error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(error?.details).toMatch(details);
  });

  it('matches name or description case-insensitively', async () => {
    expect(
      (await search({ Search: `${token.toUpperCase()} WIDGET 07` })).value?.Products.map((p) => p.Name),
    ).toEqual([`${token} Widget 07`]);
    const byDescription = `${token}-desc`;
    const id = newProductId();
    await create(id, { Name: 'Plain', Description: `Made by ${byDescription.toUpperCase()}`, Price: 1 });
    await reader.untilConsumed();
    expect((await search({ Search: byDescription })).value?.Products.map((p) => p.ProductID)).toEqual([id]);
  });

  it('treats regular expression metacharacters as plain text and never errors', async () => {
    const names = ['50% off .* sale', 'f(x) = [a]', 'C:\\temp\\notes', 'a+b? {2} ^$ |'];
    const marked = names.map((name) => `${token}-re ${name}`);
    for (const name of marked) await create(newProductId(), { Name: name, Description: 'x', Price: 1 });
    await reader.untilConsumed();
    const found = async (text: string) => {
      const { error, value } = await search({ Search: `${token}-re ${text}` });
      expect(error).toBeNull();
      return value?.Products.map((p) => p.Name);
    };

    expect(await found('50% off .*')).toEqual([marked[0]]);
    expect(await found('.*')).toEqual([]);
    expect(await found('f(x)')).toEqual([marked[1]]);
    expect(await found('f(')).toEqual([marked[1]]);
    expect(await found('= [a')).toEqual([]);
    expect(await found('f(x) = [a]')).toEqual([marked[1]]);
    expect(await found('C:\\temp\\')).toEqual([marked[2]]);
    expect(await found('a+b? {2} ^$ |')).toEqual([marked[3]]);
    const { error } = await search({ Search: '[(\\' });
    expect(error).toBeNull();
  });
});

describe('standard gRPC services', () => {
  it('reports the reader service as SERVING through the health service', async () => {
    const Health = makeGenericClientConstructor(healthService, 'Health');
    const health = new Health(reader.address, credentials.createInsecure()) as unknown as {
      check(request: object, callback: (error: Error | null, value?: { status?: string }) => void): void;
      close(): void;
    };
    const response = await new Promise<{ status?: string } | undefined>((resolve, reject) =>
      health.check({ service: 'readerService.readerService' }, (error, value) =>
        error ? reject(error) : resolve(value),
      ),
    );
    health.close();
    expect(response?.status).toBe('SERVING');
  });

  it('lists the reader service through server reflection', async () => {
    const reflectionDir = dirname(createRequire(import.meta.url).resolve('@grpc/reflection'));
    const definition = loadSync(join(reflectionDir, '../proto/grpc/reflection/v1alpha/reflection.proto'), {
      keepCase: true,
    });
    const { grpc } = loadPackageDefinition(definition) as unknown as {
      grpc: { reflection: { v1alpha: GrpcObject } };
    };
    const Reflection = grpc.reflection.v1alpha.ServerReflection as unknown as new (
      address: string,
      creds: ReturnType<typeof credentials.createInsecure>,
    ) => {
      ServerReflectionInfo(): NodeJS.ReadWriteStream & { write(request: object): boolean; end(): void };
      close(): void;
    };
    const client = new Reflection(reader.address, credentials.createInsecure());
    const stream = client.ServerReflectionInfo();
    const response = await new Promise<{ list_services_response?: { service: { name: string }[] } }>(
      (resolve, reject) => {
        stream.on('data', resolve);
        stream.on('error', reject);
        stream.write({ list_services: '' });
      },
    );
    stream.end();
    client.close();
    expect(response.list_services_response?.service.map((s) => s.name)).toContain(
      'readerService.readerService',
    );
  });
});

describe('probes', () => {
  it('report ready when MongoDB, the search database, Redis and Kafka answer', async () => {
    const response = await fetch(`http://127.0.0.1:${reader.service.probesPort}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: { mongo: 'ok', search: 'ok', redis: 'ok', kafka: 'ok', events: 'ok' },
    });
  });
});
