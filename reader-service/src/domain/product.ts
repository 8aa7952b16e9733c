import { assertNever, type Product, type ProductEvent } from '@cqrs-products/contracts';

/** A product as the read model serves it (the one product type of packages/contracts). */
export type { Product, ProductEvent } from '@cqrs-products/contracts';
export { eventVersion } from '@cqrs-products/contracts';

/**
 * What a delete leaves behind. Removing the document would forget its version, and a stale
 * update delivered after the delete (redelivery, or reordering across restarts) would then
 * upsert the product back to life. The tombstone keeps the version; every query hides it.
 */
export interface Tombstone {
  readonly productId: string;
  readonly version: number;
  readonly deletedAt: Date;
}

/** One document per productId in the read model. */
export type StoredProduct =
  | { readonly kind: 'live'; readonly product: Product }
  | { readonly kind: 'deleted'; readonly tombstone: Tombstone };

export const storedVersion = (stored: StoredProduct): number =>
  stored.kind === 'live' ? stored.product.version : stored.tombstone.version;

export const storedId = (stored: StoredProduct): string =>
  stored.kind === 'live' ? stored.product.productId : stored.tombstone.productId;

/**
 * Of several versions of one product in a batch only the newest can matter: once it is saved the
 * others are stale. Returns the position of each product's newest version (the first of equal
 * ones), products in order of first appearance.
 */
export function newestPerProduct(batch: readonly StoredProduct[]): number[] {
  const newest = new Map<string, number>();
  batch.forEach((stored, position) => {
    const seen = newest.get(storedId(stored));
    const seenVersion = seen === undefined ? 0 : storedVersion(batch[seen] as StoredProduct);
    if (storedVersion(stored) > seenVersion) newest.set(storedId(stored), position);
  });
  return [...newest.values()];
}

/** The document an event leaves behind (created and updated carry the full product state). */
export function projectEvent(event: ProductEvent): StoredProduct {
  switch (event.type) {
    case 'ProductCreated':
    case 'ProductUpdated':
      return { kind: 'live', product: event.product };
    case 'ProductDeleted':
      return {
        kind: 'deleted',
        tombstone: { productId: event.productId, version: event.version, deletedAt: event.deletedAt },
      };
    default:
      return assertNever(event);
  }
}

export interface Page {
  readonly totalCount: number;
  readonly totalPages: number;
  readonly page: number;
  readonly size: number;
  readonly hasMore: boolean;
  /** How many matches come before this page. */
  readonly skip: number;
}

/** Paging math for search: pages count from 1; a page past the end is empty, not an error. */
export function pageOf(totalCount: number, page: number, size: number): Page {
  const totalPages = Math.ceil(totalCount / size);
  return { totalCount, totalPages, page, size, hasMore: page < totalPages, skip: (page - 1) * size };
}

/** Search text is matched literally: every regular expression metacharacter is escaped. */
export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
