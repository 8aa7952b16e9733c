import { testEndpoints, uniqueName } from '@cqrs-products/testing';
import { Redis } from 'ioredis';
import { type Collection, MongoClient } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ProductEvent, projectEvent } from '../src/domain/product.js';
import {
  createProductRepository,
  type ProductDocument,
  type ProductRepository,
} from '../src/mongo/product.repository.js';
import { createProjection, type Projection } from '../src/projection.js';
import { createProductCache, type ProductCache } from '../src/redis/product.cache.js';
import { deleteKeys, newProductId } from './support/reader-harness.js';
import { openTestSearchStore, type TestSearchStore } from './support/search-database.js';

// The projection as start.ts composes it, on the real servers, with a MongoDB client whose
// command monitoring shows exactly which statements each batch costs.
const silent = { warn() {}, debug() {} };
const keyPrefix = `${uniqueName('projection')}:`;
let mongo: MongoClient;
let collection: Collection<ProductDocument>;
let repository: ProductRepository;
let redis: Redis;
let cache: ProductCache;
let projection: Projection;
let search: TestSearchStore;
let commands: string[] = [];

beforeAll(async () => {
  mongo = new MongoClient(testEndpoints().mongoUri, { monitorCommands: true });
  collection = mongo.db(uniqueName('projection')).collection<ProductDocument>('products');
  mongo.on('commandStarted', (event) => {
    if (event.command[event.commandName] === 'products') commands.push(event.commandName);
  });
  repository = createProductRepository(collection);
  await repository.ensureIndexes();
  redis = new Redis(testEndpoints().redisUrl);
  cache = createProductCache({ redis, keyPrefix, ttlSeconds: 0, log: silent, source: repository });
  search = await openTestSearchStore();
  projection = createProjection({ repository, searchStore: search.repository, cache, log: silent });
});
beforeEach(() => {
  commands = [];
});
afterAll(async () => {
  cache?.close();
  await deleteKeys(redis, `${keyPrefix}*`);
  redis?.disconnect();
  await mongo?.db(collection.dbName).dropDatabase();
  await mongo?.close();
  await search?.drop();
});

const at = new Date('2026-02-03T04:05:06.007Z');
const created = (productId: string, name = 'v1'): ProductEvent => ({
  type: 'ProductCreated',
  product: { productId, name, description: 'd', price: 1, createdAt: at, updatedAt: at, version: 1 },
});
const updated = (productId: string, version: number): ProductEvent => ({
  type: 'ProductUpdated',
  product: {
    productId,
    name: `v${version}`,
    description: 'd',
    price: version,
    createdAt: at,
    updatedAt: at,
    version,
  },
});
const deleted = (productId: string, version: number): ProductEvent => ({
  type: 'ProductDeleted',
  productId,
  version,
  deletedAt: at,
});

/** What MongoDB and Redis hold for a product: "live v3", "deleted v4" or "none". */
const stateOf = async (productId: string) => {
  const document = await collection.findOne({ _id: productId });
  const mongoState = document ? `${document.deleted ? 'deleted' : 'live'} v${document.version}` : 'none';
  const cached = await cache.get(productId);
  const redisState = cached
    ? `${cached.kind} v${cached.kind === 'live' ? cached.product.version : cached.tombstone.version}`
    : 'none';
  return { mongo: mongoState, redis: redisState };
};
const both = (state: string) => ({ mongo: state, redis: state });

/**
 * Given these batches were projected, one after the other: `when(batch)` projects one more and
 * resolves with its outcomes, `commands` then holding the MongoDB statements of that batch only.
 * Then the test reads the stores (`stateOf`). The projection's given/when/then, as the writer's
 * decider tests have theirs.
 */
async function given(...history: readonly (readonly ProductEvent[])[]) {
  for (const batch of history) await projection.applyAll(batch);
  return {
    when: (batch: readonly ProductEvent[]) => {
      commands = [];
      return projection.applyAll(batch);
    },
  };
}

describe('projecting a batch', () => {
  it('ends with the newest version only when one product is created, updated and deleted in it', async () => {
    const id = newProductId();
    const { when } = await given();

    const outcomes = await when([created(id), updated(id, 2), deleted(id, 3)]);

    expect(outcomes).toEqual(['stale', 'stale', 'applied']);
    expect(await stateOf(id)).toEqual(both('deleted v3'));
  });

  it('ends with each product at its newest version when many products change in one batch', async () => {
    const ids = Array.from({ length: 20 }, newProductId);
    const batch = ids.flatMap((id, i) => [
      created(id),
      updated(id, 2),
      ...(i % 2 === 0 ? [deleted(id, 3)] : [updated(id, 3), updated(id, 4)]),
    ]);
    const { when } = await given();

    await when(batch);

    for (const [i, id] of ids.entries()) {
      expect(await stateOf(id)).toEqual(both(i % 2 === 0 ? 'deleted v3' : 'live v4'));
    }
  });

  it('changes nothing when the whole batch is delivered again', async () => {
    const ids = [newProductId(), newProductId()];
    const batch = [updated(ids[0] as string, 2), created(ids[1] as string), deleted(ids[0] as string, 3)];
    const { when } = await given(batch);
    const before = await collection.find({ _id: { $in: ids } }).toArray();

    expect(await when(batch)).toEqual(['stale', 'stale', 'stale']);
    expect(await collection.find({ _id: { $in: ids } }).toArray()).toEqual(before);
    expect(await stateOf(ids[0] as string)).toEqual(both('deleted v3'));
    expect(await stateOf(ids[1] as string)).toEqual(both('live v1'));
  });

  it('ignores the stale events of a batch and keeps the stored newer version', async () => {
    const id = newProductId();
    const { when } = await given([updated(id, 5)]);

    expect(await when([updated(id, 3), deleted(id, 4), created(id)])).toEqual(['stale', 'stale', 'stale']);
    expect(await stateOf(id)).toEqual(both('live v5'));
  });

  it('applies an update that arrives before its create, and the create afterwards is stale', async () => {
    const id = newProductId();
    const { when } = await given([updated(id, 2)]);

    expect(await when([created(id)])).toEqual(['stale']);
    expect(await stateOf(id)).toEqual(both('live v2'));
  });
});

describe('the statements a batch costs', () => {
  it('inserts a batch of creates in one statement, without reading first', async () => {
    const ids = Array.from({ length: 50 }, newProductId);
    const { when } = await given();

    expect(await when(ids.map((id) => created(id)))).toEqual(ids.map(() => 'applied'));

    expect(commands).toEqual(['insert']);
  });

  it('finds a duplicate create stale, and reads only the duplicates, after the insert', async () => {
    const existing = newProductId();
    const fresh = newProductId();
    const { when } = await given([updated(existing, 2)]);

    expect(await when([created(existing, 'again'), created(fresh)])).toEqual(['stale', 'applied']);
    expect(commands).toEqual(['insert', 'find']);
    expect(await stateOf(existing)).toEqual(both('live v2'));
  });

  it('saves a batch of updates and deletes with one delete and one insert', async () => {
    const ids = Array.from({ length: 30 }, newProductId);
    const { when } = await given(ids.map((id) => created(id)));

    await when(ids.map((id, i) => (i % 3 === 0 ? deleted(id, 2) : updated(id, 2))));
    expect(commands).toEqual(['delete', 'insert']);
    await when([updated(ids[1] as string, 3)]);
    expect(commands).toEqual(['delete', 'insert']);
    expect(await stateOf(ids[1] as string)).toEqual(both('live v3'));
  });
});

describe('crashes and concurrent batches', () => {
  it('writes the cache it had missed when a batch comes again after a crash between MongoDB and Redis', async () => {
    const ids = [newProductId(), newProductId()];
    const batch = [created(ids[0] as string), updated(ids[1] as string, 4)];
    // Given: the first delivery got as far as MongoDB.
    await repository.saveAll(batch.map(projectEvent));
    expect((await stateOf(ids[0] as string)).redis).toBe('none');
    const { when } = await given();

    expect(await when(batch)).toEqual(['stale', 'stale']);
    expect(await stateOf(ids[0] as string)).toEqual(both('live v1'));
    expect(await stateOf(ids[1] as string)).toEqual(both('live v4'));
  });

  it('inserts when a batch comes again after a crash between its delete and its insert', async () => {
    const id = newProductId();
    const { when } = await given([created(id)]);
    await collection.deleteOne({ _id: id }); // the first delivery's delete, then the crash

    expect(await when([updated(id, 2)])).toEqual(['applied']);
    expect(await stateOf(id)).toEqual(both('live v2'));
  });

  it('ends with the newest version when batches of the three topics touch the same products at once', async () => {
    for (let round = 0; round < 5; round++) {
      const ids = Array.from({ length: 20 }, newProductId);
      await Promise.all([
        projection.applyAll(ids.map((id) => created(id))),
        projection.applyAll(ids.map((id) => updated(id, 2))),
        projection.applyAll(ids.filter((_, i) => i % 2 === 0).map((id) => deleted(id, 3))),
      ]);
      for (const [i, id] of ids.entries()) {
        expect(await stateOf(id)).toEqual(both(i % 2 === 0 ? 'deleted v3' : 'live v2'));
      }
    }
  });
});
