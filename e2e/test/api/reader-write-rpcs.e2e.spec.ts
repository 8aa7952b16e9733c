import { randomUUID } from 'node:crypto';
import { GrpcStatus } from '@cqrs-products/errors';
import { type Stack, startStack, uniqueName, until } from '@cqrs-products/testing';
import { type Collection, MongoClient } from 'mongodb';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProductDocument } from '../../../reader-service/src/mongo/product.repository.js';
import { grpcCaller, type ReaderCall } from '../../../reader-service/test/support/reader-clients.js';

// The reader's write RPCs against the whole system (writer, reader, gateway as processes): they
// must become commands the writer applies, so PostgreSQL leads and the read model follows.
let stack: Stack;
let call: ReaderCall;
let closeCaller: () => void;
let db: pg.Client;
let mongo: MongoClient;
let products: Collection<ProductDocument>;
beforeAll(async () => {
  stack = await startStack();
  ({ call, close: closeCaller } = grpcCaller(stack.grpcAddresses['reader-service']));
  db = new pg.Client({ connectionString: stack.database.url });
  await db.connect();
  mongo = new MongoClient(stack.mongoUri);
  products = mongo.db(stack.mongoDatabase).collection<ProductDocument>('products');
});
afterAll(async () => {
  closeCaller?.();
  await db?.end();
  await mongo?.close();
  await stack?.stop();
});

interface Row {
  name: string;
  description: string;
  price: number;
  version: string;
}
const rowOf = async (id: string): Promise<Row | undefined> =>
  (await db.query<Row>('SELECT name, description, price, version FROM products WHERE product_id = $1', [id]))
    .rows[0];
const documentOf = (id: string) => products.findOne({ _id: id });

/**
 * Polls until the read model reaches `version`, checking on every round that it never got
 * ahead of PostgreSQL: the document is read first, so a version PostgreSQL lacks a moment later
 * was never committed there when the read model had it.
 */
async function untilFollowed(id: string, version: number, pgVersion: (row: Row | undefined) => number) {
  await until(
    async () => {
      const document = await documentOf(id);
      const row = await rowOf(id);
      if (document && document.version > pgVersion(row))
        throw new Error(`read model at version ${document.version} before PostgreSQL (${pgVersion(row)})`);
      return (document?.version ?? 0) >= version;
    },
    { timeoutMs: 20_000, intervalMs: 5, what: `version ${version} of ${id} in the read model` },
  );
}
const versionOf = (row: Row | undefined) => Number(row?.version ?? 0);

describe("the reader's write RPCs go through the writer", () => {
  const lamp = { Name: uniqueName('lamp'), Description: 'Brass', Price: 30 };

  it('CreateProduct lands in PostgreSQL first and ends equal in both models, version 1 projected', async () => {
    const id = randomUUID();
    expect(await call('CreateProduct', { ProductID: id, ...lamp })).toEqual({
      error: null,
      value: { ProductID: id },
    });

    await untilFollowed(id, 1, versionOf);
    expect(await rowOf(id)).toEqual({ name: lamp.Name, description: 'Brass', price: 30, version: '1' });
    expect(await documentOf(id)).toMatchObject({ name: lamp.Name, description: 'Brass', version: 1 });
    const got = await call<{ Product: { Version: number; Name: string } }>('GetProductById', {
      ProductID: id,
    });
    expect(got.value?.Product).toMatchObject({ Name: lamp.Name, Version: 1 });
    const rest = await fetch(`${stack.apiUrl}/products/${id}`);
    expect(await rest.json()).toMatchObject({ productId: id, name: lamp.Name, price: 30, version: 1 });
  });

  it('UpdateProduct and DeleteProductByID are applied by the writer, then by the read model', async () => {
    const id = randomUUID();
    expect((await call('CreateProduct', { ProductID: id, ...lamp })).error).toBeNull();
    await untilFollowed(id, 1, versionOf);

    const changed = { ProductID: id, Name: `${lamp.Name} v2`, Description: 'Polished', Price: 35 };
    expect((await call('UpdateProduct', changed)).error).toBeNull();
    await untilFollowed(id, 2, versionOf);
    expect(await rowOf(id)).toEqual({ name: changed.Name, description: 'Polished', price: 35, version: '2' });
    expect(await documentOf(id)).toMatchObject({ name: changed.Name, price: 35, version: 2 });

    expect(await call('DeleteProductByID', { ProductID: id })).toEqual({
      error: null,
      value: { ProductID: id },
    });
    // The writer removes the row; the read model keeps a tombstone one version later.
    await untilFollowed(id, 3, (row) => (row ? versionOf(row) : 3));
    expect(await rowOf(id)).toBeUndefined();
    expect(await documentOf(id)).toMatchObject({ deleted: true, version: 3 });
    expect((await call('GetProductById', { ProductID: id })).error?.code).toBe(GrpcStatus.NOT_FOUND);
  });
});
