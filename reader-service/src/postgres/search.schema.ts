import type pg from 'pg';

/*
 * The search projection: one row per product, tombstones included (a deleted product keeps its
 * version, so a stale update delivered after the delete cannot bring it back).
 *
 * - `name_lower`/`description_lower`: `x ILIKE p` in a UTF-8 database is `lower(x) LIKE lower(p)`
 *   (PostgreSQL lowers both sides on every comparison); lowering once per write and comparing
 *   byte-wise (COLLATE "C") gives the same matches at a fifth of the cost where a query has to
 *   look at many rows (count of a common word at 100k rows: 165 ms with ILIKE, 29 ms so).
 * - trigram GIN indexes on them serve `LIKE '%text%'` for any text of 3+ characters; partial
 *   (live rows only) because tombstones are never searched.
 * - `(created_at DESC, product_id)` of live rows serves the page order: an empty or very common
 *   search reads the first rows of this index and stops.
 * - `product_id` COLLATE "C": ties in created_at break by code point, as MongoDB sorted them.
 *
 * Measurements: reader-service/docs/search.md.
 */
const ddl = `
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE IF NOT EXISTS product_search (
  product_id text COLLATE "C" PRIMARY KEY,
  version bigint NOT NULL,
  deleted boolean NOT NULL,
  -- NULL in tombstones, set in every live row
  name text,
  description text,
  price double precision,
  created_at timestamptz,
  updated_at timestamptz,
  deleted_at timestamptz,
  name_lower text COLLATE "C" GENERATED ALWAYS AS (lower(name)) STORED,
  description_lower text COLLATE "C" GENERATED ALWAYS AS (lower(description)) STORED
);

CREATE INDEX IF NOT EXISTS product_search_name_trgm
  ON product_search USING gin (name_lower gin_trgm_ops) WHERE NOT deleted;
CREATE INDEX IF NOT EXISTS product_search_description_trgm
  ON product_search USING gin (description_lower gin_trgm_ops) WHERE NOT deleted;
CREATE INDEX IF NOT EXISTS product_search_live_newest_first
  ON product_search (created_at DESC, product_id) WHERE NOT deleted;

-- A row once the products MongoDB held before this table existed have been copied (backfill.ts).
CREATE TABLE IF NOT EXISTS product_search_backfill (
  source text PRIMARY KEY,
  completed_at timestamptz NOT NULL
);
`;

/**
 * Creates the extension, tables and indexes that are missing; idempotent, run at every start.
 * Serialised by an advisory lock: two instances running CREATE ... IF NOT EXISTS at the same
 * moment can still collide on the catalog's unique indexes.
 */
export async function ensureSearchSchema(pool: pg.Pool): Promise<void> {
  await pool.query(
    `BEGIN; SELECT pg_advisory_xact_lock(hashtextextended('reader-service product_search schema', 0));
     ${ddl}
     COMMIT;`,
  );
}
