import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEndpoints, uniqueName } from '../src/index.js';

let client: MongoClient;
const dbName = uniqueName('test');
beforeAll(async () => {
  client = new MongoClient(testEndpoints().mongoUri, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
});
afterAll(async () => {
  await client?.db(dbName).dropDatabase();
  await client?.close();
});

describe('MongoDB wire server', () => {
  it('round-trips a document through the official driver', async () => {
    const products = client.db(dbName).collection('products');
    const doc = {
      productId: 'a1',
      name: 'Lamp',
      price: 19.99,
      version: 2,
      updatedAt: new Date('2026-01-01T00:00:00Z'),
    };
    await products.insertOne({ ...doc });

    const found = await products.findOne({ productId: 'a1' }, { projection: { _id: 0 } });

    expect(found).toEqual(doc);
  });

  it('applies a version-guarded upsert only when the version is newer', async () => {
    const products = client.db(dbName).collection('guarded');
    await products.createIndex({ productId: 1 }, { unique: true });
    const apply = (version: number, name: string) =>
      products
        .updateOne(
          { productId: 'p1', version: { $lt: version } },
          { $set: { name, version } },
          { upsert: true },
        )
        .catch((error: { code?: number }) => {
          // A stale version makes the filter miss and the upsert collide with the unique index.
          if (error.code !== 11000) throw error;
        });

    await apply(2, 'second');
    await apply(1, 'first');

    expect(await products.findOne({ productId: 'p1' }, { projection: { _id: 0 } })).toEqual({
      productId: 'p1',
      name: 'second',
      version: 2,
    });
  });

  it('matches a case-insensitive substring', async () => {
    const products = client.db(dbName).collection('search');
    await products.insertMany([{ name: 'Desk Lamp' }, { name: 'Chair' }]);
    const found = await products.find({ name: { $regex: 'lamp', $options: 'i' } }).toArray();
    expect(found.map((d) => d.name)).toEqual(['Desk Lamp']);
  });
});
