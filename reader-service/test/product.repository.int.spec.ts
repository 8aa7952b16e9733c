import { randomUUID } from 'node:crypto';
import { testEndpoints, uniqueName } from '@cqrs-products/testing';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredProduct } from '../src/domain/product.js';
import {
  createProductRepository,
  type ProductDocument,
  type ProductRepository,
} from '../src/mongo/product.repository.js';

let client: MongoClient;
let repository: ProductRepository;
beforeAll(async () => {
  client = new MongoClient(testEndpoints().mongoUri);
  const collection = client.db(uniqueName('repository')).collection<ProductDocument>('products');
  repository = createProductRepository(collection);
  await repository.ensureIndexes();
});
afterAll(() => client?.close());

const live = (productId: string, version: number): StoredProduct => ({
  kind: 'live',
  product: {
    productId,
    name: `Lamp v${version}`,
    description: 'A desk lamp',
    price: 10,
    version,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date(),
  },
});
const tombstone = (productId: string, version: number): StoredProduct => ({
  kind: 'deleted',
  tombstone: { productId, version, deletedAt: new Date() },
});

describe('saving a product version', () => {
  it('keeps the newest version when an update and the delete after it are saved at the same time', async () => {
    // Events of one product come from three topics, so the reader can save two of its versions
    // at once; the older one must never win, whatever the server's own locking does.
    const rounds = 25;
    const outcomes: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const id = randomUUID();
      await repository.saveIfNewer(live(id, 1));
      await Promise.all([repository.saveIfNewer(live(id, 2)), repository.saveIfNewer(tombstone(id, 3))]);
      const stored = await repository.find(id);
      outcomes.push(
        stored?.kind === 'deleted'
          ? `deleted v${stored.tombstone.version}`
          : `live v${stored?.product.version}`,
      );
    }
    expect(outcomes).toEqual(Array.from({ length: rounds }, () => 'deleted v3'));
  });
});
