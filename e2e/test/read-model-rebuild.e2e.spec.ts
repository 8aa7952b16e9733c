import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  eventually,
  type ServiceProcess,
  type Stack,
  spawnProcess,
  startStack,
  testEndpoints,
} from '@cqrs-products/testing';
import { Redis } from 'ioredis';
import { type Db, MongoClient } from 'mongodb';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandStream, startCommandStream } from './support/command-stream.js';
import { activeCollection, readModelProblems } from './support/read-model-state.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('read-model rebuild from PostgreSQL (npm run read-model:rebuild)', () => {
  const endpoints = testEndpoints();
  let stack: Stack;
  let mongo: MongoClient;
  let database: Db;
  let redis: Redis;
  const stores = () => ({ stack, database, redis });

  const rebuild = (extraEnv: Record<string, string> = {}): ServiceProcess =>
    spawnProcess(
      [process.execPath, '--conditions=source', '--import', 'tsx', 'reader-service/src/rebuild-main.ts'],
      {
        cwd: root,
        env: {
          ...process.env,
          MONGO_URI: stack.mongoUri,
          MONGO_DATABASE: stack.mongoDatabase,
          REDIS_URL: endpoints.redisUrl,
          REDIS_KEY_PREFIX: stack.redisKeyPrefix,
          SEARCH_POSTGRES_URL: stack.searchDatabaseUrl,
          POSTGRES_URL: stack.database.url,
          KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
          // Short enough for a test; still several pointer re-reads (1 s) and event batches.
          REBUILD_SETTLE_MS: '3000',
          REBUILD_CATCH_UP_MARGIN_MS: '5000',
          ...extraEnv,
        },
      },
    );

  /** Commands through the REST API while `during` runs: the live stream a rebuild must not lose. */
  const underLiveStream = async <T>(label: string, during: () => Promise<T>) => {
    const stream = startCommandStream({ apiUrl: stack.apiUrl, workers: 2, paceMs: 40, label });
    try {
      return { result: await during(), stream };
    } finally {
      await stream.stop();
    }
  };

  /** Sequential GETs of known products; every answer must be 200 or 404, never an error. */
  const readContinuously = (ids: readonly string[]) => {
    const statuses = new Map<string, number>();
    let stopped = false;
    const loop = (async () => {
      for (let i = 0; !stopped; i++) {
        const id = ids[i % ids.length];
        const response = await fetch(`${stack.apiUrl}/products/${id}`).catch((error: Error) => error);
        const key = response instanceof Error ? response.message : String(response.status);
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (!(response instanceof Error)) await response.arrayBuffer();
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        await loop;
        return Object.fromEntries(statuses);
      },
    };
  };

  /** A stream that has drained: the stores agree with PostgreSQL (proven by polling, not sleeping). */
  const settled = (timeoutMs = 60_000) =>
    eventually(
      () => readModelProblems(stores()),
      (problems) => problems.length === 0,
      {
        timeoutMs,
        intervalMs: 500,
        what: 'read model equal to PostgreSQL',
      },
    );

  /** Products created, updated and deleted through the API until `count` exist, then drained. */
  const seed = async (label: string, count: number): Promise<CommandStream> => {
    const stream = startCommandStream({ apiUrl: stack.apiUrl, workers: 6, paceMs: 5, label });
    await eventually(
      () => stream.products.size,
      (size) => size >= count,
      { timeoutMs: 60_000, what: `${count} products created` },
    );
    await stream.stop();
    await settled();
    return stream;
  };

  const runToEnd = async (process: ServiceProcess) => {
    const code = await process.exited;
    expect(code, process.output()).toBe(0);
    return process.output();
  };

  beforeAll(async () => {
    stack = await startStack(endpoints);
    mongo = new MongoClient(stack.mongoUri);
    await mongo.connect();
    database = mongo.db(stack.mongoDatabase);
    redis = new Redis(endpoints.redisUrl);
  });

  afterAll(async () => {
    redis?.disconnect();
    await mongo?.close();
    await stack?.stop();
  });

  it('after the read model is deleted (collection dropped, Redis keys gone), a rebuild under a live stream restores MongoDB, Redis and search to PostgreSQL while GETs keep answering', async () => {
    const before = await seed('rebuilt', 60);
    const ids = [...before.products.keys()];
    expect(ids.length).toBeGreaterThan(20);

    await database.dropCollection(await activeCollection(database));
    const keys = await redis.keys(`${stack.redisKeyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    expect((await readModelProblems(stores())).length).toBeGreaterThan(ids.length);

    const reads = readContinuously(ids);
    const { result: output, stream } = await underLiveStream('during', () => runToEnd(rebuild()));
    const answers = await reads.stop();

    expect(output).toContain('switched');
    expect(stream.tally.accepted.create, 'commands went through during the rebuild').toBeGreaterThan(0);
    expect(stream.tally.unexpected).toEqual([]);
    expect(
      Object.keys(answers).every((status) => status === '200' || status === '404'),
      JSON.stringify(answers),
    ).toBe(true);
    await settled();
  });

  it('after corruption (wrong names, missing and stray documents, stale versions and one ahead, in MongoDB, Redis and search), a rebuild under a live stream restores all three', async () => {
    await seed('corrupted', 40);
    const collection = database.collection<{ _id: string; version: number; deleted: boolean }>(
      await activeCollection(database),
    );
    const live = await collection.find({ deleted: false }).limit(13).toArray();
    expect(live.length).toBe(13);
    const [renamed, removed, stale] = [live.slice(0, 4), live.slice(4, 8), live.slice(8, 12)];
    const ghost = randomUUID();
    for (const doc of renamed) await collection.updateOne({ _id: doc._id }, { $set: { name: 'corrupted' } });
    await collection.deleteMany({ _id: { $in: removed.map((doc) => doc._id) } });
    for (const doc of stale)
      await collection.updateOne({ _id: doc._id }, { $set: { version: doc.version - 1 } });
    await collection.insertOne({ _id: ghost, productId: ghost, version: 1, deleted: false } as never);

    const key = (id: string) => `${stack.redisKeyPrefix}${id}`;
    for (const doc of renamed) {
      const entry = JSON.parse((await redis.hget(key(doc._id), 'doc')) as string);
      entry.product.name = 'corrupted';
      await redis.hset(key(doc._id), 'doc', JSON.stringify(entry));
    }
    await redis.del(...removed.map((doc) => key(doc._id)));
    // An entry ahead of every store: no event wrote it, so the rebuild must set it back.
    const ahead = live[12] as (typeof live)[number];
    const aheadEntry = JSON.parse((await redis.hget(key(ahead._id), 'doc')) as string);
    aheadEntry.product.version = ahead.version + 5;
    await redis.hset(key(ahead._id), 'version', String(ahead.version + 5), 'doc', JSON.stringify(aheadEntry));
    const ghostEntry = {
      kind: 'live',
      product: { productId: ghost, name: 'ghost', description: 'g', price: 1 },
    };
    await redis.hset(key(ghost), 'version', '1', 'doc', JSON.stringify({ ...ghostEntry }));
    const search = new pg.Client({ connectionString: stack.searchDatabaseUrl });
    await search.connect();
    await search.query(`UPDATE product_search SET name = 'corrupted' WHERE product_id = ANY($1::text[])`, [
      renamed.map((doc) => doc._id),
    ]);
    await search.end();
    const corrupted = await readModelProblems(stores());
    expect(corrupted.filter((p) => p.startsWith('mongo')).length).toBeGreaterThanOrEqual(13);
    expect(corrupted.filter((p) => p.startsWith('redis')).length).toBeGreaterThanOrEqual(10);
    expect(corrupted.filter((p) => p.startsWith('search')).length).toBeGreaterThanOrEqual(4);

    const { stream } = await underLiveStream('during-fix', () => runToEnd(rebuild()));
    expect(stream.tally.accepted.create).toBeGreaterThan(0);
    await settled();
  });

  it('a rebuild killed in the middle of its copy continues into the same collection at the next run and finishes', async () => {
    const progress = database.collection<{ _id: string; phase?: string; copied?: number; target?: string }>(
      'products_read_model',
    );
    // Small chunks make the copy long enough to be caught half-way.
    const first = rebuild({ REBUILD_CHUNK: '2' });
    const caught = await eventually(
      () => progress.findOne({ _id: 'rebuild' }),
      (doc) => Boolean(doc?.copied && doc.copied > 0) || first.child.exitCode !== null,
      { timeoutMs: 30_000, intervalMs: 10, what: 'a copy under way' },
    );
    await first.kill();
    expect(caught?.phase, first.output()).toBe('copy');

    const { result: output } = await underLiveStream('resumed', () => runToEnd(rebuild()));
    expect(output).toContain(`resuming the rebuild into ${caught?.target} at step`);
    expect(await activeCollection(database)).toBe(caught?.target);
    expect(await progress.findOne({ _id: 'rebuild' })).toBeNull();
    await settled();
  });

  it('a rebuild killed after the switch, while it waits for the readers, continues at that step and finishes', async () => {
    const progress = database.collection<{ _id: string; phase?: string; target?: string }>(
      'products_read_model',
    );
    const first = rebuild();
    const caught = await eventually(
      () => progress.findOne({ _id: 'rebuild' }),
      (doc) => doc?.phase === 'settle' || first.child.exitCode !== null,
      { timeoutMs: 60_000, intervalMs: 20, what: 'the rebuild waiting after its switch' },
    );
    await first.kill();
    expect(caught?.phase, first.output()).toBe('settle');
    expect(await activeCollection(database)).toBe(caught?.target);

    const { result: output } = await underLiveStream('after-switch', () => runToEnd(rebuild()));
    expect(output).toContain(`resuming the rebuild into ${caught?.target} at step settle`);
    expect(await progress.findOne({ _id: 'rebuild' })).toBeNull();
    await settled();
  });
});
