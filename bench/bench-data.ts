import { productTopics } from '@cqrs-products/contracts';
import { createKafka, deadLetterTopic } from '@cqrs-products/kafka';
import { databaseUrl, type Endpoints, withPostgresClient } from '@cqrs-products/testing';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import type pg from 'pg';

/**
 * The scale benchmark's kept data: one fixed name per seeded size (`bench_n100000`) names its
 * PostgreSQL database, MongoDB database, topic prefix, consumer groups and Redis key prefix
 * (scale-stack.ts starts the services on it), counted and dropped here.
 */

const quiet = { error() {}, warn() {}, info() {}, debug() {} };

export const benchDataName = (existing: number): string => `bench_n${existing}`;

/** Products in the PostgreSQL and MongoDB databases of `name` (0 where there is none yet). */
export async function countBenchData(
  endpoints: Endpoints,
  name: string,
): Promise<{ postgres: number; mongo: number }> {
  const exists = await withPostgresClient(endpoints.postgresUrl, async (c) => {
    const result = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return result.rowCount === 1;
  });
  const postgres = exists
    ? await withPostgresClient(databaseUrl(endpoints.postgresUrl, name), (c) =>
        c.query('SELECT count(*)::int AS n FROM products').then(
          (r) => Number(r.rows[0].n),
          () => 0,
        ),
      )
    : 0;
  return { postgres, mongo: await countMongo(endpoints.mongoUri, name) };
}

/** One countDocuments (FerretDB scans: ~3 s at 100k), so callers ask rarely. */
export async function countMongo(mongoUri: string, database: string): Promise<number> {
  const client = new MongoClient(mongoUri);
  try {
    return await client.db(database).collection('products').countDocuments({});
  } finally {
    await client.close();
  }
}

/** Drops the databases and cache keys of `name`; with `everything`, its topics and groups too. */
export async function dropBenchData(endpoints: Endpoints, name: string, everything = false): Promise<void> {
  await withPostgresClient(endpoints.postgresUrl, (c) =>
    c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  );
  await withPostgresClient(endpoints.postgresUrl, (c) =>
    c.query(`DROP DATABASE IF EXISTS "${name}_search" WITH (FORCE)`),
  );
  const mongo = new MongoClient(endpoints.mongoUri);
  await mongo
    .db(name)
    .dropDatabase()
    .finally(() => mongo.close());
  const redis = new Redis(endpoints.redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${name}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  if (!everything) return;
  const admin = createKafka({ brokers: endpoints.kafkaBrokers, clientId: 'bench-drop' }, quiet).admin();
  await admin.connect();
  try {
    const groups = [`${name}_writer`, `${name}_reader`];
    await admin.deleteGroups(groups).catch(() => {});
    const { commands, events } = productTopics(`${name}_`);
    const ours = new Set(
      [...Object.values(commands), ...Object.values(events)].flatMap((t) => [t, deadLetterTopic(t)]),
    );
    const topics = (await admin.listTopics()).filter((t) => ours.has(t));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

export async function countPostgres(pool: pg.Pool): Promise<number> {
  const result = await pool.query('SELECT count(*)::int AS n FROM products');
  return Number(result.rows[0].n);
}
