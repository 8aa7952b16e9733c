import { isAppError } from '@cqrs-products/errors';
import { classifyFailure } from '@cqrs-products/kafka';
import { freePort } from '@cqrs-products/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product, StoredProduct } from '../src/domain/product.js';
import { createSearchRepository, type SearchRepository } from '../src/postgres/search.repository.js';
import { newProductId } from './support/reader-harness.js';
import { openTestSearchStore, type TestSearchStore } from './support/search-database.js';

// The search table on the real PostgreSQL server, in a database of this file's own.
let store: TestSearchStore;
let search: SearchRepository;
beforeAll(async () => {
  store = await openTestSearchStore();
  search = store.repository;
});
afterAll(() => store?.drop());

/** A token of this test in every text, so each test sees only its own products. */
const tokenOf = () => `t${Math.random().toString(36).slice(2, 10)}`;
let clock = Date.parse('2026-01-01T00:00:00.000Z');
const tick = (): Date => {
  clock += 1_000;
  return new Date(clock);
};
/** A product one second newer than the one before. */
const product = (fields: Partial<Product> & { name: string }): Product => {
  const at = tick();
  const base = { productId: newProductId(), description: 'plain', price: 1, version: 1 };
  return { ...base, createdAt: at, updatedAt: at, ...fields };
};
const live = (p: Product): StoredProduct => ({ kind: 'live', product: p });
const tombstone = (productId: string, version: number): StoredProduct => ({
  kind: 'deleted',
  tombstone: { productId, version, deletedAt: new Date(clock) },
});
const names = async (text: string) =>
  (await search.search({ text, skip: 0, limit: 100 })).products.map((p) => p.name);

describe('search text', () => {
  it.each([
    ['.*', 'regex .* star'],
    ['%', '100% cotton'],
    ['_', 'snake_case'],
    ['\\', 'C:\\temp'],
    ['(', 'f(x)'],
  ])('matches %j literally, never as a wildcard or pattern', async (special, name) => {
    const token = tokenOf();
    await search.saveAll([
      live(product({ name: `${token} ${name}` })),
      live(product({ name: `${token} nothing special` })),
    ]);

    expect(await names(`${token} ${name}`)).toEqual([`${token} ${name}`]);
    // Up to the special character: matches only the product that contains it.
    const upTo = name.slice(0, name.indexOf(special) + special.length);
    expect(await names(`${token} ${upTo}`)).toEqual([`${token} ${name}`]);
  });

  it('does not let % or _ stand for other characters', async () => {
    const token = tokenOf();
    await search.saveAll([live(product({ name: `${token} abc` }))]);
    expect(await names(`${token} a%c`)).toEqual([]);
    expect(await names(`${token} a_c`)).toEqual([]);
    expect(await names(`${token} a\\c`)).toEqual([]);
    expect(await names(`${token} abc`)).toEqual([`${token} abc`]);
  });

  it('ignores case, also outside ASCII (É/é, Σ/σ)', async () => {
    const token = tokenOf();
    await search.saveAll([
      live(product({ name: `${token} École`, description: 'x' })),
      live(product({ name: 'Plain', description: `${token} ΣΟΦΙΑ` })),
    ]);
    for (const text of [`${token} école`, `${token} ÉCOLE`, `${token} éCoLe`, `${token.toUpperCase()} ÉCOLE`])
      expect(await names(text), text).toEqual([`${token} École`]);
    expect(await names(`${token} σοφια`)).toEqual(['Plain']);
    // Case, not accents: as before (MongoDB's case-insensitive $regex did not fold accents either).
    expect(await names(`${token} ecole`)).toEqual([]);
  });

  it('matches a substring of the name or of the description', async () => {
    const token = tokenOf();
    await search.saveAll([
      live(product({ name: `pre${token}post`, description: 'x' })),
      live(product({ name: 'other', description: `a long description with ${token} inside` })),
    ]);
    expect((await names(token)).sort()).toEqual(['other', `pre${token}post`]);
    expect(await names(`${token}po`)).toEqual([`pre${token}post`]);
    expect(await names(`${token} ins`)).toEqual(['other']);
  });
});

describe('versions', () => {
  it('ignore an older update that arrives after a newer one, and a redelivery', async () => {
    const token = tokenOf();
    const v1 = product({ name: `${token} v1` });
    await search.saveAll([live(v1)]);
    expect(await search.saveAll([live({ ...v1, name: `${token} v3`, version: 3 })])).toBe(1);
    expect(await search.saveAll([live({ ...v1, name: `${token} v2 stale`, version: 2 })])).toBe(0);
    expect(await search.saveAll([live({ ...v1, name: `${token} v3 again`, version: 3 })])).toBe(0);

    const { products } = await search.search({ text: token, skip: 0, limit: 10 });
    expect(products).toEqual([{ ...v1, name: `${token} v3`, version: 3 }]);
  });

  it('keep a deleted product deleted when an older update comes after the delete', async () => {
    const token = tokenOf();
    const doomed = product({ name: `${token} doomed` });
    await search.saveAll([live(doomed)]);
    await search.saveAll([tombstone(doomed.productId, 3)]);
    expect(await search.saveAll([live({ ...doomed, name: `${token} back?`, version: 2 })])).toBe(0);

    expect(await search.search({ text: token, skip: 0, limit: 10 })).toEqual({ totalCount: 0, products: [] });
    const { rows } = await store.sql.query(
      'SELECT version, deleted FROM product_search WHERE product_id = $1',
      [doomed.productId],
    );
    expect(rows).toEqual([{ version: '3', deleted: true }]);
  });

  it('keep only the newest state of a product that changes several times in one batch', async () => {
    const token = tokenOf();
    const v1 = product({ name: `${token} first` });
    const v2 = { ...v1, name: `${token} second`, version: 2 };
    expect(await search.saveAll([live(v2), live(v1), tombstone(v1.productId, 2)])).toBe(1);
    expect(await names(token)).toEqual([`${token} second`]);
  });
});

describe('pages', () => {
  it('list live products newest first, ties broken by productId, with an exact count', async () => {
    const token = tokenOf();
    const products = Array.from({ length: 7 }, (_, i) => product({ name: `${token} ${i}` }));
    const sameInstant = tick();
    const ties = Array.from({ length: 3 }, () =>
      product({ name: `${token} tie`, createdAt: sameInstant, updatedAt: sameInstant }),
    );
    const gone = product({ name: `${token} gone` });
    await search.saveAll([...products, ...ties, gone].map(live));
    await search.saveAll([tombstone(gone.productId, 2)]);

    const expected = [...products, ...ties]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.productId < b.productId ? -1 : 1))
      .map((p) => p.productId);
    const pages = await Promise.all(
      [0, 4, 8, 12].map((skip) => search.search({ text: token, skip, limit: 4 })),
    );
    expect(pages.map((p) => p.totalCount)).toEqual([10, 10, 10, 10]);
    expect(pages.map((p) => p.products.length)).toEqual([4, 4, 2, 0]);
    expect(pages.flatMap((p) => p.products.map((found) => found.productId))).toEqual(expected);
  });

  it('without text, list every live product', async () => {
    const { totalCount, products } = await search.search({ text: '', skip: 0, limit: 100 });
    const { rows } = await store.sql.query('SELECT count(*)::int AS n FROM product_search WHERE NOT deleted');
    expect(totalCount).toBe(rows[0].n);
    expect(totalCount).toBeGreaterThan(10);
    expect(products.length).toBe(Math.min(100, totalCount));
  });
});

describe('a search store that cannot be reached', () => {
  it('answers searches with READ_MODEL_UNAVAILABLE and fails writes as transient (retried, never DLQ)', async () => {
    const pool = new pg.Pool({
      connectionString: `postgres://postgres:postgres@127.0.0.1:${await freePort()}/x`,
    });
    pool.on('error', () => {});
    const unreachable = createSearchRepository({ pool, queryTimeoutMs: 1_000 });
    try {
      const searched = await unreachable.search({ text: 'x', skip: 0, limit: 1 }).catch((e: unknown) => e);
      expect(isAppError(searched) && searched.code).toBe('READ_MODEL_UNAVAILABLE');
      const saved = await unreachable.saveAll([live(product({ name: 'x' }))]).catch((e: unknown) => e);
      // Named by the adapter, so the events consumer's default classifier waits it out.
      expect(isAppError(saved) && saved.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(classifyFailure(saved)).toBe('transient');
    } finally {
      await pool.end();
    }
  });
});
