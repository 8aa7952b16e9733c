import { toTimestamp } from './timestamp.js';

/** A product as the services hold it in memory. */
export interface ProductState {
  readonly productId: string;
  readonly name: string;
  readonly description: string;
  readonly price: number;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * The wire form of a product. kafkaMessages.Product, readerService.Product and
 * writerService.Product share field names and numbers, so one mapping serves events and both
 * gRPC APIs; every product leaves with its version so receivers can tell how fresh it is.
 */
export const toWireProduct = (product: ProductState) => ({
  ProductID: product.productId,
  Name: product.name,
  Description: product.description,
  Price: product.price,
  CreatedAt: toTimestamp(product.createdAt),
  UpdatedAt: toTimestamp(product.updatedAt),
  Version: product.version,
});
