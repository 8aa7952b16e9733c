import type { StoredProduct } from '../domain/product.js';
import type { SearchRepository } from '../postgres/search.repository.js';

export interface SearchBackfillDeps {
  readonly search: Pick<SearchRepository, 'isBackfilled' | 'markBackfilled' | 'saveAll'>;
  /** Every product MongoDB holds, tombstones included, a chunk at a time (one scan). */
  readonly scan: (chunkSize: number) => AsyncIterable<StoredProduct[]>;
  readonly chunkSize: number;
  readonly log: { info(obj: object, msg: string): void };
}

/**
 * Copies what MongoDB holds into the search table once: products projected before the search
 * table existed would otherwise never be found (their events were committed long ago). Runs at
 * start-up before the reader consumes or serves, so nothing of this process races it; another
 * instance applying events meanwhile is fine, because every write is version-guarded (a newer
 * version it wrote wins over the older one this scan read).
 *
 * Done means a marker row, not "the table is not empty": a reader killed half-way leaves a table
 * with some rows, and the next start must finish the copy. A fresh system (MongoDB empty) costs
 * one empty scan and sets the marker. Deleting the marker row repeats the copy at the next start.
 */
export async function backfillSearch({ search, scan, chunkSize, log }: SearchBackfillDeps): Promise<void> {
  if (await search.isBackfilled()) return;
  const started = Date.now();
  let read = 0;
  let written = 0;
  for await (const chunk of scan(chunkSize)) {
    read += chunk.length;
    written += await search.saveAll(chunk);
  }
  await search.markBackfilled();
  log.info({ read, written, ms: Date.now() - started }, 'search table backfilled from MongoDB');
}
