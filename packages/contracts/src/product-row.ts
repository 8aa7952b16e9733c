import type { Product } from './product.js';

/**
 * A row of the writer's `products` table (migrations/) as node-postgres returns it. The writer
 * stores products there; the reader's rebuild and the system tests read them back, all through
 * this one mapping.
 */
export interface ProductRow {
  readonly product_id: string;
  readonly name: string;
  readonly description: string;
  readonly price: number;
  /** bigint arrives as a string. */
  readonly version: string;
  readonly created_at: Date;
  readonly updated_at: Date;
}

/** The columns of a ProductRow, for SELECT and INSERT lists. */
export const productColumns = 'product_id, name, description, price, version, created_at, updated_at';

export const fromProductRow = (row: ProductRow): Product => ({
  productId: row.product_id,
  name: row.name,
  description: row.description,
  price: row.price,
  // Versions stay far below 2^53.
  version: Number(row.version),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});
