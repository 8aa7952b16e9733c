import { type StoredProduct, storedId, storedVersion } from '../domain/product.js';
import type { RebuildTarget } from '../mongo/rebuild-target.js';
import type { SearchRepository } from '../postgres/search.repository.js';
import type { RebuildCacheIndex } from '../redis/rebuild-cache-index.js';
import type { ProgressBar } from './progress-bar.js';

export interface CacheRewriteDeps {
  /** The Redis index (redis/rebuild-cache-index.ts). */
  readonly index: RebuildCacheIndex;
  readonly search: Pick<SearchRepository, 'saveAll' | 'ids' | 'removeAll'>;
  /** The rebuilt collection, active by now: the live projection writes it before Redis. */
  readonly source: Pick<RebuildTarget, 'scan' | 'findByIds'>;
  readonly chunkSize: number;
  readonly bar: ProgressBar;
  readonly total: number;
}

/**
 * Rewrites the Redis index and the search table from the rebuilt collection, under the readers'
 * own warm-up lock (so no warm-up copies meanwhile) and without the completeness marker: while
 * it runs, entries present answer and misses ask MongoDB, as after a FLUSHDB. The marker comes
 * back only if the lock survived, so it never claims a partial index complete. Entries and rows
 * of products the read model does not hold (a corruption) are removed, and entries ahead of it set
 * back; each is looked up once more first, in case the scan missed a product between the delete
 * and insert of its update, or an event wrote it meanwhile.
 */
export async function rewriteCaches(deps: CacheRewriteDeps): Promise<{ removed: number }> {
  const { index, bar } = deps;
  const lock = await index.lock();
  try {
    await index.clearMarker();
    const cachedIds = await index.ids();
    const searchIds = new Set(await deps.search.ids());
    const seen = new Set<string>();
    // Entries newer than the scan read: an event's (MongoDB has it too by now), or a corruption.
    const newer = new Map<string, number>();
    bar.step('caches', deps.total);
    let chunk: StoredProduct[] = [];
    const flush = async () => {
      if (lock.lost()) throw new Error('the warm-up lock was lost (expired or Redis lost its data)');
      for (const [id, version] of await index.write(chunk)) newer.set(id, version);
      // Same-version rows too: a corrupted row has wrong fields at the right version.
      await deps.search.saveAll(chunk, { replaceSameVersion: true });
      for (const stored of chunk) seen.add(storedId(stored));
      bar.advance(chunk.length);
      chunk = [];
    };
    for await (const stored of deps.source.scan(deps.chunkSize)) {
      chunk.push(stored);
      if (chunk.length >= deps.chunkSize) await flush();
    }
    await flush();
    const candidates = [...new Set([...cachedIds, ...searchIds])].filter((id) => !seen.has(id));
    const current = await deps.source.findByIds([...candidates, ...newer.keys()]);
    const found = new Set(current.map(storedId));
    const extras = candidates.filter((id) => !found.has(id));
    // The projection writes MongoDB before Redis, so an entry still newer than MongoDB now was not
    // written by an event: it goes back to MongoDB's version.
    for (const stored of current) {
      const cached = newer.get(storedId(stored));
      if (cached === undefined || cached <= storedVersion(stored)) continue;
      await index.setBack(stored, cached);
    }
    if (extras.length > 0) {
      await index.remove(extras);
      await deps.search.removeAll(extras);
    }
    await lock.completeIndex();
    bar.finish(`(${extras.length} stray entries removed)`);
    return { removed: extras.length };
  } catch (error) {
    await lock.release().catch(() => {});
    throw error;
  } finally {
    lock.stopRenewing();
  }
}
