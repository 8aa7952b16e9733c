import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { testEndpoints, uniqueName } from '@cqrs-products/testing';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createProductRepository,
  type ProductDocument,
  type ProductRepository,
} from '../src/mongo/product.repository.js';
import {
  createProductCache,
  type ProductCache,
  type ProductCacheOptions,
} from '../src/redis/product.cache.js';
import { deleteKeys, newProductId, until } from './support/reader-harness.js';
import { liveProduct } from './support/stored-products.js';

// Two reader instances' caches over one Redis (a client each, configured as start.ts does), the
// index complete: what one instance does between MongoDB and Redis decides what the other answers.
const silent = { warn() {} };
const keyPrefix = `${uniqueName('marks')}:`;
const database = uniqueName('marks');
const complete = { trust: () => 'complete' as const };

const clients: Redis[] = [];
const caches: ProductCache[] = [];
const newClient = async (url = testEndpoints().redisUrl) => {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    commandTimeout: 300,
    maxRetriesPerRequest: 1,
  });
  clients.push(client);
  client.on('error', () => {});
  await until(() => client.status === 'ready', { timeoutMs: 5_000, what: 'redis ready' });
  return client;
};
const instance = async (options: Partial<ProductCacheOptions> = {}) => {
  const cache = createProductCache({
    redis: await newClient(),
    keyPrefix,
    ttlSeconds: 0,
    log: silent,
    index: complete,
    repairIntervalMs: 100,
    ...options,
  });
  caches.push(cache);
  return cache;
};
let redis: Redis;
let mongo: MongoClient;
let repository: ProductRepository;
beforeAll(async () => {
  redis = await newClient();
  mongo = await new MongoClient(testEndpoints().mongoUri).connect();
  repository = createProductRepository(mongo.db(database).collection<ProductDocument>('products'));
});
afterEach(() => {
  for (const cache of caches.splice(0)) cache.close();
});
afterAll(async () => {
  await deleteKeys(redis, `${keyPrefix}*`);
  for (const client of clients) client.disconnect();
  for (const proxy of proxies) await proxy.close();
  await mongo?.db(database).dropDatabase();
  await mongo?.close();
});

/** A TCP relay to Redis that can cut its connections: one instance cut off, the others not. */
const proxies: { close(): Promise<void> }[] = [];
async function redisProxy() {
  const target = new URL(testEndpoints().redisUrl);
  const sockets = new Set<Socket>();
  let server = createServer();
  const relay = (client: Socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  };
  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      server = createServer(relay);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const port = await listen(0);
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  const proxy = {
    url: `redis://127.0.0.1:${port}`,
    cut: stop,
    restore: async () => {
      await listen(port);
    },
    close: stop,
  };
  proxies.push(proxy);
  return proxy;
}

describe('write marks: a product between its MongoDB write and its Redis write', () => {
  it('is answered from Redis by no instance until the writer has written it', async () => {
    const [writer, other] = [await instance(), await instance()];
    const id = newProductId();
    await writer.remember(liveProduct(id, 1));

    const marks = await writer.markWriting([id]);
    // Here the writer saves version 2 to MongoDB: Redis still holds version 1.
    expect(marks.marked).toBe(true);
    expect(await other.lookup(id)).toEqual({ kind: 'writing' });
    expect(await writer.lookup(id)).toEqual({ kind: 'writing' });

    await writer.rememberAll([liveProduct(id, 2)], marks);
    marks.end();
    expect(await other.lookup(id)).toEqual({ kind: 'hit', stored: liveProduct(id, 2) });
  });

  it('is marked through a fresh connection when the writer’s own one is not back yet', async () => {
    const client = await newClient();
    const writer = createProductCache({
      redis: client,
      keyPrefix,
      ttlSeconds: 0,
      log: silent,
      index: complete,
    });
    caches.push(writer);
    const other = await instance();
    const id = newProductId();
    await writer.remember(liveProduct(id, 1));
    client.disconnect();
    await until(() => client.status === 'end', { timeoutMs: 5_000, what: 'client disconnected' });

    const marks = await writer.markWriting([id]);

    expect(marks.marked).toBe(true);
    expect(await other.lookup(id)).toEqual({ kind: 'writing' });
    await writer.rememberAll([liveProduct(id, 2)], marks);
    expect(await other.lookup(id)).toEqual({ kind: 'hit', stored: liveProduct(id, 2) });
  });

  it('keeps the mark for every instance when the write fails, until the writer repairs it', async () => {
    const proxy = await redisProxy();
    const cut = await newClient(proxy.url);
    const writer = createProductCache({
      redis: cut,
      keyPrefix,
      ttlSeconds: 0,
      log: silent,
      index: complete,
      source: repository,
      repairIntervalMs: 100,
    });
    caches.push(writer);
    const other = await instance();
    const id = newProductId();
    await repository.saveAll([liveProduct(id, 1)]);
    await writer.remember(liveProduct(id, 1));

    const marks = await writer.markWriting([id]);
    await repository.saveAll([liveProduct(id, 2)]);
    // The writer is cut off from Redis (the other instance is not) before its cache write.
    await proxy.cut();
    await writer.rememberAll([liveProduct(id, 2)], marks);
    marks.end();

    expect(await redis.hget(`${keyPrefix}${id}`, 'version')).toBe('1');
    expect(await other.lookup(id)).toEqual({ kind: 'writing' });
    await proxy.restore();
    await until(async () => (await other.lookup(id)).kind === 'hit', { timeoutMs: 10_000, what: 'repaired' });
    expect(await other.lookup(id)).toEqual({ kind: 'hit', stored: liveProduct(id, 2) });
  });

  it('of a writer that died lapses, so the product is answered from Redis again', async () => {
    const writer = await instance({ writeMarkMs: 300 });
    const other = await instance();
    const id = newProductId();
    await writer.remember(liveProduct(id, 1));

    await writer.markWriting([id]); // and the process dies before its MongoDB write
    expect(await other.lookup(id)).toEqual({ kind: 'writing' });

    await until(async () => (await other.lookup(id)).kind === 'hit', {
      timeoutMs: 2_000,
      what: 'mark lapsed',
    });
    expect(await redis.exists(`${keyPrefix}writing:${id}`)).toBe(0);
  });

  it('of one batch are left to another batch of the same process still writing the product', async () => {
    const [writer, other] = [await instance(), await instance()];
    const id = newProductId();
    await writer.remember(liveProduct(id, 1));

    const first = await writer.markWriting([id]);
    const second = await writer.markWriting([id]);
    await writer.rememberAll([liveProduct(id, 2)], first);
    first.end();
    expect(await other.lookup(id)).toEqual({ kind: 'writing' });

    await writer.rememberAll([liveProduct(id, 3)], second);
    second.end();
    expect(await other.lookup(id)).toEqual({ kind: 'hit', stored: liveProduct(id, 3) });
  });
});
