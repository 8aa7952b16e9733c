import type { Product } from '../domain/product.js';
import type { Queryable } from './db.js';

interface ProductRow {
  product_id: string;
  name: string;
  description: string;
  price: number;
  version: string;
  created_at: Date;
  updated_at: Date;
}

const columns = 'product_id, name, description, price, version, created_at, updated_at';

const toProduct = (row: ProductRow): Product => ({
  productId: row.product_id,
  name: row.name,
  description: row.description,
  price: row.price,
  // bigint arrives as a string; versions stay far below 2^53.
  version: Number(row.version),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export async function findProduct(db: Queryable, productId: string): Promise<Product | undefined> {
  const { rows } = await db.query<ProductRow>(`SELECT ${columns} FROM products WHERE product_id = $1`, [
    productId,
  ]);
  return rows[0] && toProduct(rows[0]);
}

/**
 * Reads the product and locks its row until the transaction ends, so concurrent changes of one
 * product are serialised: each one decides on the state the previous one committed, and their
 * outbox rows get ids in commit order.
 */
export async function findProductForUpdate(db: Queryable, productId: string): Promise<Product | undefined> {
  const { rows } = await db.query<ProductRow>(
    `SELECT ${columns} FROM products WHERE product_id = $1 FOR UPDATE`,
    [productId],
  );
  return rows[0] && toProduct(rows[0]);
}

/**
 * Returns false when the id exists already. ON CONFLICT waits for a concurrent insert of the same
 * id to commit instead of failing the transaction with a unique violation.
 */
export async function insertProduct(db: Queryable, product: Product): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO products (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (product_id) DO NOTHING`,
    [
      product.productId,
      product.name,
      product.description,
      product.price,
      product.version,
      product.createdAt,
      product.updatedAt,
    ],
  );
  return result.rowCount === 1;
}

export async function updateProduct(db: Queryable, product: Product): Promise<void> {
  await db.query(
    `UPDATE products SET name = $2, description = $3, price = $4, version = $5, updated_at = $6
     WHERE product_id = $1`,
    [product.productId, product.name, product.description, product.price, product.version, product.updatedAt],
  );
}

export async function deleteProduct(db: Queryable, productId: string): Promise<void> {
  await db.query('DELETE FROM products WHERE product_id = $1', [productId]);
}
