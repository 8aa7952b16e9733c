import { describe, expect, it } from 'vitest';
import { type StoredProduct, storedId, storedVersion } from '../src/domain/product.js';
import type { RebuildStore, RebuildTarget } from '../src/mongo/rebuild-target.js';
import type { Progress } from '../src/rebuild/progress.js';
import { rebuildReadModel } from '../src/rebuild/rebuild.js';
import type { RebuildSource } from '../src/rebuild/source.js';
import { liveProduct } from './support/stored-products.js';

const productId = '00000000-0000-4000-8000-000000000075';
const silentBar = { step() {}, advance() {}, finish() {}, line() {} };

/**
 * The copy and the first catch-up see v2; v3 is committed before the switch, so the settle
 * catch-up reads and saves v3. Right after it read, the writer commits v4 and a live reader saves
 * v4 into the fresh collection, and the catch-up's save of v3 lands on top of it: what FerretDB's
 * non-atomic delete-then-insert allows (`racing: true`).
 */
function rebuildWorld(options: { racing: boolean }) {
  let postgres = liveProduct(productId, 2);
  const collection = new Map<string, StoredProduct>();
  let switched = false;
  let racedOnce = false;
  let progress: Progress | undefined;

  const target: RebuildTarget = {
    insertAll: async (chunk) => {
      for (const stored of chunk)
        if (!collection.has(storedId(stored))) collection.set(storedId(stored), stored);
    },
    saveGuarded: async (chunk) => {
      for (const stored of chunk) {
        const present = collection.get(storedId(stored));
        const clobbers = options.racing && switched && !racedOnce;
        if (clobbers || !present || storedVersion(present) < storedVersion(stored))
          collection.set(storedId(stored), stored);
        if (clobbers) racedOnce = true;
      }
    },
    scan: async function* () {},
    findByIds: async (ids) => ids.flatMap((id) => collection.get(id) ?? []),
  };
  const source: RebuildSource = {
    now: async () => new Date(),
    count: async () => 1,
    products: async (after) => (after ? [] : [postgres]),
    tombstones: async () => [],
    changedSince: async () => [productId],
    current: async () => {
      const read = postgres;
      if (switched && !racedOnce && storedVersion(read) === 3) {
        postgres = liveProduct(productId, 4);
        collection.set(productId, postgres);
      }
      return [read];
    },
    close: async () => {},
  };
  const store: RebuildStore = {
    base: 'products',
    progress: {
      load: async () => progress,
      save: async (next) => {
        progress = next;
      },
      clear: async () => {
        progress = undefined;
      },
    },
    activeCollection: async () => 'products',
    open: async () => target,
    pointTo: async () => {},
    drop: async () => {},
  };
  const run = () =>
    rebuildReadModel({
      store,
      source,
      rewriteCaches: async () => {},
      switched: async () => {
        switched = true;
        postgres = liveProduct(productId, 3);
      },
      chunkSize: 10,
      settleMs: 0,
      catchUpMarginMs: 0,
      bar: silentBar,
    });
  return { run, stored: () => collection.get(productId) };
}

describe('the rebuild while live readers write the fresh collection', () => {
  it('ends with the version PostgreSQL has when its settle catch-up clobbered a newer one', async () => {
    const world = rebuildWorld({ racing: true });
    await world.run();
    expect(world.stored()).toEqual(liveProduct(productId, 4));
  });

  it('keeps a newer version a reader saved when no save raced it', async () => {
    const world = rebuildWorld({ racing: false });
    await world.run();
    expect(world.stored()).toEqual(liveProduct(productId, 4));
  });
});
