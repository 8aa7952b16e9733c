import { testEndpoints, uniqueName } from '@cqrs-products/testing';
import { type Collection, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product, StoredProduct } from '../src/domain/product.js';
import {
  createProductRepository,
  type ProductDocument,
  type ProductRepository,
} from '../src/mongo/product.repository.js';
import { backfillSearch } from '../src/search/backfill.js';
import { newProductId, startReaderHarness } from './support/reader-harness.js';
import { openTestSearchStore, type TestSearchStore } from './support/search-database.js';

// The one-time copy of MongoDB into the search table, on the real servers.
let mongo: MongoClient;
let collection: Collection<ProductDocument>;
let repository: ProductRepository;
let store: TestSearchStore;
beforeAll(async () => {
  mongo = new MongoClient(testEndpoints().mongoUri);
  collection = mongo.db(uniqueName('backfill')).collection<ProductDocument>('products');
  repository = createProductRepository(collection);
  store = await openTestSearchStore();
});
afterAll(async () => {
  await store?.drop();
  await mongo?.db(collection.dbName).dropDatabase();
  await mongo?.close();
});

const silent = { info() {} };
const at = new Date('2025-05-05T05:05:05.005Z');
const product = (name: string, version = 1): Product => ({
  productId: newProductId(),
  name,
  description: 'd',
  price: 1,
  createdAt: at,
  updatedAt: at,
  version,
});
const live = (p: Product): StoredProduct => ({ kind: 'live', product: p });
/** MongoDB's scan, counting how many times it is started. */
let scans = 0;
const scan = (chunkSize: number) => {
  scans++;
  return repository.scan(chunkSize);
};
const backfill = () => backfillSearch({ search: store.repository, scan, chunkSize: 3, log: silent });
const found = async (text: string) =>
  (await store.repository.search({ text, skip: 0, limit: 100 })).products.map((p) => [p.name, p.version]);

describe('the search backfill', () => {
  it('copies live products and tombstones once; a version applied meanwhile wins; then never scans again', async () => {
    const token = uniqueName('copy');
    const older = product(`${token} older`, 2);
    const products = Array.from({ length: 7 }, (_, i) => product(`${token} ${i}`));
    const gone = product(`${token} gone`);
    await repository.saveAll([
      ...[older, ...products].map(live),
      { kind: 'deleted', tombstone: { productId: gone.productId, version: 2, deletedAt: at } },
    ]);
    // An event the consumer of another instance applied to search after MongoDB was read.
    await store.repository.saveAll([live({ ...older, name: `${token} newer`, version: 3 })]);
    await store.repository.saveAll([live(gone)]);

    scans = 0;
    await backfill();
    expect(scans).toBe(1);
    expect((await found(token)).sort()).toEqual(
      [[`${token} newer`, 3], ...products.map((p) => [p.name, 1])].sort(),
    );

    await backfill();
    expect(scans).toBe(1);
  });

  it('finishes a copy that was interrupted: a table with rows but no marker is copied into again', async () => {
    const token = uniqueName('resume');
    const late = product(`${token} not copied yet`);
    await repository.saveAll([live(late)]);
    await store.sql.query('DELETE FROM product_search_backfill');

    await backfill();
    expect(await found(token)).toEqual([[late.name, 1]]);
    expect((await store.sql.query('SELECT source FROM product_search_backfill')).rows).toEqual([
      { source: 'mongo' },
    ]);
  });
});

interface SearchRes {
  TotalCount: number;
  Products: { ProductID: string; Version: number }[];
}

describe('a reader started on a read model older than its search table', () => {
  it('copies what MongoDB holds, so products projected before are found and tombstones are not', async () => {
    const mongoDatabase = uniqueName('reader_backfill');
    const token = uniqueName('before');
    const at = new Date('2025-06-01T00:00:00.000Z');
    const stored = (i: number): StoredProduct => ({
      kind: 'live',
      product: {
        productId: newProductId(),
        name: `${token} ${i}`,
        description: 'projected before search existed',
        price: i,
        createdAt: new Date(at.getTime() + i),
        updatedAt: at,
        version: 1 + (i % 3),
      },
    });
    const before = Array.from({ length: 30 }, (_, i) => stored(i));
    const gone: StoredProduct = {
      kind: 'deleted',
      tombstone: { productId: newProductId(), version: 2, deletedAt: at },
    };
    const client = new MongoClient(testEndpoints().mongoUri);
    await createProductRepository(client.db(mongoDatabase).collection<ProductDocument>('products')).saveAll([
      ...before,
      gone,
    ]);
    await client.close();

    const reader = await startReaderHarness({ mongoDatabase });
    try {
      const { error, value } = await reader.call<SearchRes>('SearchProduct', { Search: token, size: 100 });
      expect(error).toBeNull();
      expect(value?.TotalCount).toBe(30);
      expect(new Set(value?.Products.map((f) => f.ProductID))).toEqual(
        new Set(before.map((s) => (s.kind === 'live' ? s.product.productId : ''))),
      );
      expect(value?.Products.map((f) => f.Version).sort()).toEqual(
        before.map((s) => (s.kind === 'live' ? s.product.version : 0)).sort(),
      );
    } finally {
      await reader.stop();
    }
  });
});
