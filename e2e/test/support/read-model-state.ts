import {
  decodeMessage,
  fromProductRow,
  type KafkaMessageName,
  type ProductRow,
  productColumns,
} from '@cqrs-products/contracts';
import type { Stack } from '@cqrs-products/testing';
import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import pg from 'pg';

/** One product as every store must show it: PostgreSQL's row, or the version of its delete. */
export interface TruthEntry {
  readonly version: number;
  readonly deleted: boolean;
  readonly name?: string;
  readonly description?: string;
  readonly price?: number;
}

export interface ReadModelStores {
  readonly stack: Stack;
  readonly database: Db;
  readonly redis: Redis;
}

/** The collection the readers use: the one the rebuild's pointer names, else `products`. */
export async function activeCollection(database: Db): Promise<string> {
  const pointer = await database
    .collection<{ _id: string; collection?: string }>('products_read_model')
    .findOne({ _id: 'active' });
  return pointer?.collection ?? 'products';
}

/** PostgreSQL's state: live rows, and for deleted products the version of their delete event. */
export async function truth(stack: Stack): Promise<Map<string, TruthEntry>> {
  const pool = stack.database.pool;
  const state = new Map<string, TruthEntry>();
  const outbox = await pool.query<{ aggregate_id: string; message_type: KafkaMessageName; payload: Buffer }>(
    `SELECT aggregate_id, message_type, payload FROM outbox WHERE message_type = 'ProductDeleted'`,
  );
  for (const row of outbox.rows) {
    const event = decodeMessage(row.message_type, row.payload) as { Version: number };
    state.set(row.aggregate_id, { version: Number(event.Version), deleted: true });
  }
  const products = await pool.query<ProductRow>(`SELECT ${productColumns} FROM products`);
  for (const { productId, version, name, description, price } of products.rows.map(fromProductRow)) {
    state.set(productId, { version, deleted: false, name, description, price });
  }
  return state;
}

const productKey = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const show = (entry: TruthEntry | undefined) => JSON.stringify(entry ?? null);
const same = (a: TruthEntry | undefined, b: TruthEntry) =>
  a !== undefined &&
  a.version === b.version &&
  a.deleted === b.deleted &&
  (b.deleted || (a.name === b.name && a.description === b.description && a.price === b.price));

/**
 * Every disagreement between PostgreSQL and the read model's three stores (MongoDB's active
 * collection, the Redis index with its completeness marker, the search table), readable; empty
 * when they all hold exactly PostgreSQL's products and tombstones and nothing else.
 */
export async function readModelProblems({ stack, database, redis }: ReadModelStores): Promise<string[]> {
  const want = await truth(stack);
  const problems: string[] = [];
  const compare = (store: string, got: Map<string, TruthEntry>) => {
    for (const [id, entry] of want)
      if (!same(got.get(id), entry))
        problems.push(`${store} ${id}: ${show(got.get(id))}, want ${show(entry)}`);
    for (const id of got.keys()) if (!want.has(id)) problems.push(`${store} ${id}: not in PostgreSQL`);
  };

  const documents = await database
    .collection<TruthEntry & { _id: string }>(await activeCollection(database))
    .find({})
    .toArray();
  compare('mongo', new Map(documents.map(({ _id, ...doc }) => [_id, { ...doc, price: Number(doc.price) }])));

  const prefix = stack.redisKeyPrefix;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    // Product entries only: the prefix also holds the index marker, its lock and command tokens.
    keys.push(...found.filter((key) => productKey.test(key.slice(prefix.length))));
    cursor = next;
  } while (cursor !== '0');
  const cached = new Map<string, TruthEntry>();
  for (const key of keys) {
    const doc = await redis.hget(key, 'doc');
    if (!doc) continue;
    const stored = JSON.parse(doc) as
      | { kind: 'live'; product: Required<Omit<TruthEntry, 'deleted'>> }
      | { kind: 'deleted'; tombstone: { version: number } };
    cached.set(
      key.slice(prefix.length),
      stored.kind === 'live'
        ? { ...stored.product, deleted: false }
        : { version: stored.tombstone.version, deleted: true },
    );
  }
  compare('redis', cached);
  const runId = /run_id:(\w+)/.exec(await redis.info('server'))?.[1];
  const marker = await redis.get(`${prefix}index:complete`);
  if (marker !== runId) problems.push(`redis index marker ${marker}, want the run id ${runId}`);

  const search = new pg.Client({ connectionString: stack.searchDatabaseUrl });
  await search.connect();
  try {
    const { rows } = await search.query<TruthEntry & { product_id: string; version: string }>(
      'SELECT product_id, version, deleted, name, description, price FROM product_search',
    );
    compare(
      'search',
      new Map(
        rows.map(({ product_id, version, deleted, name, description, price }) => [
          product_id,
          deleted
            ? { version: Number(version), deleted }
            : { version: Number(version), deleted, name, description, price },
        ]),
      ),
    );
  } finally {
    await search.end();
  }
  return problems;
}
