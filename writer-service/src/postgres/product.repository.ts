import { fromProductRow, type ProductRow, productColumns } from '@cqrs-products/contracts';
import type { Product } from '../domain/product.js';
import { namingOutages, type Queryable } from './db.js';

/** The gRPC server's read, on the pool: an outage is thrown as DEPENDENCY_UNAVAILABLE as well. */
export async function findProduct(db: Queryable, productId: string): Promise<Product | undefined> {
  const { rows } = await namingOutages(db).query<ProductRow>(
    `SELECT ${productColumns} FROM products WHERE product_id = $1`,
    [productId],
  );
  return rows[0] && fromProductRow(rows[0]);
}

/**
 * Serialises everything that decides on these products, until the transaction ends, whether or not
 * they exist yet. Row locks (FOR UPDATE) cannot do that for an id without a row: a create and an
 * update of a new product could both decide on "absent", and the update would be parked while the
 * create, not seeing it yet, never takes it. One transaction-scoped advisory lock per id, taken in
 * the order of its key, so two batches sharing ids wait for each other instead of deadlocking.
 * The 64-bit key is a hash of the id; a collision only makes two products wait for each other.
 */
export async function lockProducts(db: Queryable, productIds: readonly string[]): Promise<void> {
  if (productIds.length === 0) return;
  // PostgreSQL evaluates a volatile function of the select list after the sort, so the locks are
  // taken in key order.
  await db.query(
    `SELECT pg_advisory_xact_lock(hashtextextended(id::text, 0)) FROM unnest($1::uuid[]) AS id
     ORDER BY hashtextextended(id::text, 0)`,
    [productIds],
  );
}

/**
 * The products that exist among these ids, their rows locked until the transaction ends (the
 * advisory locks already serialise this service; the row locks also hold off any other writer).
 */
export async function findProductsForUpdate(
  db: Queryable,
  productIds: readonly string[],
): Promise<Map<string, Product>> {
  const { rows } = await db.query<ProductRow>(
    `SELECT ${productColumns} FROM products WHERE product_id = ANY($1::uuid[]) FOR UPDATE`,
    [productIds],
  );
  return new Map(rows.map((row) => [row.product_id, fromProductRow(row)]));
}

/** Inserts new products and overwrites changed ones, in one statement. */
export async function saveProducts(db: Queryable, products: readonly Product[]): Promise<void> {
  if (products.length === 0) return;
  await db.query(
    `INSERT INTO products (${productColumns})
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::float8[], $5::bigint[], $6::timestamptz[], $7::timestamptz[])
     ON CONFLICT (product_id) DO UPDATE SET name = excluded.name, description = excluded.description,
       price = excluded.price, version = excluded.version, created_at = excluded.created_at,
       updated_at = excluded.updated_at`,
    [
      products.map((p) => p.productId),
      products.map((p) => p.name),
      products.map((p) => p.description),
      products.map((p) => p.price),
      products.map((p) => p.version),
      products.map((p) => p.createdAt),
      products.map((p) => p.updatedAt),
    ],
  );
}

export async function deleteProducts(db: Queryable, productIds: readonly string[]): Promise<void> {
  if (productIds.length === 0) return;
  await db.query('DELETE FROM products WHERE product_id = ANY($1::uuid[])', [productIds]);
}
