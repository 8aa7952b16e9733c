import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { readConfig } from './config.js';
import { rebuildStore } from './mongo/rebuild-target.js';
import { openRebuildSource } from './postgres/rebuild-source.js';
import { createSearchRepository } from './postgres/search.repository.js';
import { ensureSearchSchema } from './postgres/search.schema.js';
import { openSearchPool } from './postgres/search-database.js';
import { rewriteCaches } from './rebuild/caches.js';
import { createProgressBar } from './rebuild/progress-bar.js';
import { rebuildReadModel } from './rebuild/rebuild.js';
import { cacheKeys } from './redis/cache-store.js';
import { rebuildCacheIndex } from './redis/rebuild-cache-index.js';
import { acquireRunLock } from './redis/rebuild-run-lock.js';

/*
 * `npm run read-model:rebuild`: rebuilds MongoDB, Redis and the search table from the writer's
 * PostgreSQL while the readers keep serving (rebuild/rebuild.ts). Same configuration as the
 * reader (POSTGRES_URL names the writer's database). Killed or failed, it is run again and
 * continues where it stopped.
 */
const config = readConfig();
const bar = createProgressBar(process.stderr);
const quiet = { info: () => {}, warn: (_: object, msg: string) => bar.line(`warning: ${msg}`) };

const mongo = new MongoClient(config.mongo.uri, {
  serverSelectionTimeoutMS: 5_000,
  socketTimeoutMS: 120_000,
});
const redis = new Redis(config.redis.url, {
  lazyConnect: true,
  connectTimeout: 5_000,
  maxRetriesPerRequest: 2,
});
let closing: Array<() => Promise<unknown>> = [];
try {
  await mongo.connect();
  closing.push(() => mongo.close());
  await redis.connect();
  closing.push(() => redis.quit());
  const lock = await acquireRunLock(redis, `${config.redis.keyPrefix}rebuild:lock`);
  closing.push(() => lock.release());
  const source = await openRebuildSource(config.rebuild.sourceUrl);
  closing.push(() => source.close());
  const searchPool = await openSearchPool({ url: config.search.postgresUrl, poolSize: 2, log: quiet });
  closing.push(() => searchPool.end());
  await ensureSearchSchema(searchPool);

  const started = Date.now();
  const progress = await rebuildReadModel({
    store: rebuildStore(mongo.db(config.mongo.database), config.mongo.collection),
    source,
    chunkSize: config.rebuild.chunk,
    settleMs: config.rebuild.settleMs,
    catchUpMarginMs: config.rebuild.catchUpMarginMs,
    bar,
    switched: async () => {
      await redis.del(cacheKeys(config.redis.keyPrefix).marker);
    },
    rewriteCaches: (target, total) =>
      rewriteCaches({
        index: rebuildCacheIndex(redis, config.redis.keyPrefix, config.redis.index.lockMs),
        search: createSearchRepository({ pool: searchPool, queryTimeoutMs: config.search.queryTimeoutMs }),
        source: target,
        chunkSize: config.rebuild.chunk,
        bar,
        total,
      }),
  });
  bar.line(`read model rebuilt into ${progress.target} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  bar.line(`\nread-model rebuild failed: ${(error as Error).message}`);
  bar.line('run it again to continue where it stopped');
  process.exitCode = 1;
} finally {
  for (const close of closing.reverse()) await close().catch(() => {});
  closing = [];
}
