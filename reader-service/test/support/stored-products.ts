import type { StoredProduct } from '../../src/domain/product.js';

/** The dates of every fixture product: with milliseconds, so a store that drops them fails. */
export const fixtureDate = new Date('2026-01-02T03:04:05.006Z');

/**
 * A live product at `version`, named after it (`v2`) so a test sees which version a store kept;
 * its price has a fraction, so a store that rounds it fails.
 */
export const liveProduct = (productId: string, version: number): StoredProduct => ({
  kind: 'live',
  product: {
    productId,
    name: `v${version}`,
    description: 'd',
    price: 1.5,
    createdAt: fixtureDate,
    updatedAt: fixtureDate,
    version,
  },
});
