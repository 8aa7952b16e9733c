import type { DbMetrics } from '@cqrs-products/metrics';
import { inTransaction } from '@cqrs-products/postgres';
import type pg from 'pg';
import {
  newestPerProduct,
  type Product,
  type StoredProduct,
  storedId,
  storedVersion,
} from '../domain/product.js';
import { readerErrors } from '../errors.js';
import { containsPattern } from '../search/like-pattern.js';
import { isSearchStoreUnavailable, searchStoreFailure } from './search-database.js';

export interface SearchQuery {
  /** Raw user text, matched literally as a substring of name or description, ignoring case. */
  readonly text: string;
  readonly skip: number;
  readonly limit: number;
}

export interface SearchRepository {
  /**
   * Writes each product's newest state in the batch unless the table holds the same or a newer
   * version; resolves with how many rows changed.
   */
  saveAll(batch: readonly StoredProduct[], options?: SaveOptions): Promise<number>;
  /** Every product id in the table (the read-model rebuild looks for rows it should not have). */
  ids(): Promise<string[]>;
  removeAll(productIds: readonly string[]): Promise<void>;
  /** Live products only, newest first; productId breaks ties so pages never overlap. */
  search(query: SearchQuery): Promise<{ totalCount: number; products: Product[] }>;
  /** Whether the products MongoDB held before this table existed were copied (backfill.ts). */
  isBackfilled(): Promise<boolean>;
  markBackfilled(): Promise<void>;
  ping(): Promise<unknown>;
}

export interface SaveOptions {
  /**
   * Also replace a row of the same version (the read-model rebuild: a corrupted row has wrong
   * fields at the right version). Events only ever replace older rows.
   */
  readonly replaceSameVersion?: boolean;
}

export interface SearchRepositoryOptions {
  readonly pool: pg.Pool;
  /** Server-side limit of one search (statement_timeout); writes have none. */
  readonly queryTimeoutMs: number;
  readonly db?: DbMetrics;
}

interface SearchRow {
  total_count: string;
  product_id: string | null;
  name: string;
  description: string;
  price: number;
  created_at: Date;
  updated_at: Date;
  version: string;
}

const live = 'NOT deleted';
// lower() here is the same function, under the same (database) collation, as in the generated
// columns: the comparison is exactly what ILIKE would do.
const matching = `${live} AND (name_lower LIKE lower($3) OR description_lower LIKE lower($3))`;

/**
 * Count and page in ONE statement, so both come from the same snapshot: a response's totalCount,
 * hasMore and products always agree, even while products change. The count is exact.
 */
const searchSql = (where: string) => `
  SELECT c.total_count, p.product_id, p.name, p.description, p.price, p.created_at, p.updated_at, p.version
  FROM (SELECT count(*) AS total_count FROM product_search WHERE ${where}) AS c
  LEFT JOIN LATERAL (
    SELECT product_id, name, description, price, created_at, updated_at, version
    FROM product_search WHERE ${where}
    ORDER BY created_at DESC, product_id
    LIMIT $1 OFFSET $2
  ) AS p ON true`;
const searchAll = searchSql(live);
const searchText = searchSql(matching);

const upsertSql = (newer: '<' | '<=') => `
  INSERT INTO product_search AS s
    (product_id, version, deleted, name, description, price, created_at, updated_at, deleted_at)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::boolean[], $4::text[], $5::text[],
                       $6::float8[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[])
  ON CONFLICT (product_id) DO UPDATE SET
    version = excluded.version, deleted = excluded.deleted, name = excluded.name,
    description = excluded.description, price = excluded.price, created_at = excluded.created_at,
    updated_at = excluded.updated_at, deleted_at = excluded.deleted_at
  WHERE s.version ${newer} excluded.version`;
const upsertOlder = upsertSql('<');
const upsertOlderOrSame = upsertSql('<=');

const backfillSource = 'mongo';

export function createSearchRepository({
  pool,
  queryTimeoutMs,
  db,
}: SearchRepositoryOptions): SearchRepository {
  const timed = <T>(operation: string, work: () => Promise<T>) =>
    db ? db.time('postgresql', operation, work) : work();

  /** A read-only transaction, so the time limit can be set for this statement alone. */
  const query = (sql: string, values: unknown[]): Promise<SearchRow[]> =>
    inTransaction(pool, async (client) => (await client.query<SearchRow>(sql, values)).rows, {
      begin: `BEGIN READ ONLY; SET LOCAL statement_timeout = ${queryTimeoutMs}`,
    });

  return {
    saveAll: (batch, options = {}) => {
      // In product_id order: two transactions upserting overlapping sets (another instance, the
      // backfill) then lock the rows in the same order and wait for each other, never deadlock.
      const rows = newestPerProduct(batch)
        .map((position) => batch[position] as StoredProduct)
        .sort((a, b) => (storedId(a) < storedId(b) ? -1 : 1));
      if (rows.length === 0) return Promise.resolve(0);
      const product = (s: StoredProduct) => (s.kind === 'live' ? s.product : undefined);
      return timed('upsert', async () => {
        const upsert = options.replaceSameVersion ? upsertOlderOrSame : upsertOlder;
        // Unreachable is named here, once (DEPENDENCY_UNAVAILABLE, retryable): the events
        // consumer waits it out without a classifier of its own.
        const result = await pool
          .query(upsert, [
            rows.map(storedId),
            rows.map(storedVersion),
            rows.map((s) => s.kind === 'deleted'),
            rows.map((s) => product(s)?.name ?? null),
            rows.map((s) => product(s)?.description ?? null),
            rows.map((s) => product(s)?.price ?? null),
            rows.map((s) => product(s)?.createdAt ?? null),
            rows.map((s) => product(s)?.updatedAt ?? null),
            rows.map((s) => (s.kind === 'deleted' ? s.tombstone.deletedAt : null)),
          ])
          .catch((error: unknown) => {
            throw searchStoreFailure(error);
          });
        return result.rowCount ?? 0;
      });
    },

    ids: async () =>
      (await pool.query<{ id: string }>('SELECT product_id AS id FROM product_search')).rows.map(
        (row) => row.id,
      ),

    removeAll: async (productIds) => {
      await pool.query('DELETE FROM product_search WHERE product_id = ANY($1::text[])', [productIds]);
    },

    search: async ({ text, skip, limit }) => {
      const values = text === '' ? [limit, skip] : [limit, skip, containsPattern(text)];
      const rows = await timed('search', () => query(text === '' ? searchAll : searchText, values)).catch(
        (error: unknown) => {
          if (!isSearchStoreUnavailable(error)) throw error;
          throw readerErrors.READ_MODEL_UNAVAILABLE('search store', { cause: error });
        },
      );
      return {
        totalCount: Number(rows[0]?.total_count ?? 0),
        products: rows.flatMap((row) => (row.product_id === null ? [] : [toProduct(row, row.product_id)])),
      };
    },

    isBackfilled: async () => {
      const { rowCount } = await pool.query('SELECT 1 FROM product_search_backfill WHERE source = $1', [
        backfillSource,
      ]);
      return rowCount === 1;
    },

    markBackfilled: async () => {
      await pool.query(
        `INSERT INTO product_search_backfill (source, completed_at) VALUES ($1, now())
         ON CONFLICT (source) DO NOTHING`,
        [backfillSource],
      );
    },

    ping: () => pool.query('SELECT 1'),
  };
}

const toProduct = (row: SearchRow, productId: string): Product => ({
  productId,
  name: row.name,
  description: row.description,
  price: row.price,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  // bigint arrives as a string; versions stay far below 2^53.
  version: Number(row.version),
});
