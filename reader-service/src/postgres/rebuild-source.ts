import { fromProductRow, type ProductRow, productColumns } from '@cqrs-products/contracts';
import pg from 'pg';
import type { StoredProduct } from '../domain/product.js';
import { parseProductEvent } from '../kafka/product-event.parser.js';
import type { RebuildSource } from '../rebuild/source.js';

const deletedRows = `
  SELECT DISTINCT ON (o.aggregate_id) o.aggregate_id, o.payload FROM outbox o
  WHERE o.message_type = 'ProductDeleted' AND %s
    AND NOT EXISTS (SELECT 1 FROM products p WHERE p.product_id = o.aggregate_id)
  ORDER BY o.aggregate_id, o.id DESC`;

const live = (row: ProductRow): StoredProduct => ({ kind: 'live', product: fromProductRow(row) });

const tombstone = (row: { payload: Buffer }): StoredProduct => {
  const event = parseProductEvent('deleted', row.payload);
  if (event.type !== 'ProductDeleted') throw new Error('expected a ProductDeleted payload');
  const { productId, version, deletedAt } = event;
  return { kind: 'deleted', tombstone: { productId, version, deletedAt } };
};

export async function openRebuildSource(url: string): Promise<RebuildSource> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // Fail fast with the server's own message when the URL is wrong.
  await pool.query('SELECT 1 FROM products LIMIT 0');
  const select = async <R extends pg.QueryResultRow>(sql: string, values: unknown[] = []) =>
    (await pool.query<R>(sql, values)).rows;

  return {
    now: async () => (await select<{ now: Date }>('SELECT now() AS now'))[0]?.now ?? new Date(),

    count: async () => {
      const [row] = await select<{ n: string }>(
        `SELECT (SELECT count(*) FROM products) + (SELECT count(*) FROM (${deletedRows.replace('%s', 'true')}) d) AS n`,
      );
      return Number(row?.n ?? 0);
    },

    products: async (after, limit) =>
      (
        await select<ProductRow>(
          `SELECT ${productColumns} FROM products WHERE $1::uuid IS NULL OR product_id > $1::uuid
           ORDER BY product_id LIMIT $2`,
          [after ?? null, limit],
        )
      ).map(live),

    tombstones: async (after, limit) =>
      (
        await select<{ payload: Buffer }>(
          `${deletedRows.replace('%s', '($1::uuid IS NULL OR o.aggregate_id > $1::uuid)')} LIMIT $2`,
          [after ?? null, limit],
        )
      ).map(tombstone),

    changedSince: async (since) =>
      (
        await select<{ id: string }>(
          'SELECT DISTINCT aggregate_id AS id FROM outbox WHERE created_at >= $1',
          [since],
        )
      ).map((row) => row.id),

    current: async (productIds) => {
      if (productIds.length === 0) return [];
      const ids = [...productIds];
      const rows = await select<ProductRow>(
        `SELECT ${productColumns} FROM products WHERE product_id = ANY($1::uuid[])`,
        [ids],
      );
      const deleted = await select<{ payload: Buffer }>(
        deletedRows.replace('%s', 'o.aggregate_id = ANY($1::uuid[])'),
        [ids],
      );
      return [...rows.map(live), ...deleted.map(tombstone)];
    },

    close: () => pool.end(),
  };
}
