import { setTimeout as sleep } from 'node:timers/promises';
import { type StoredProduct, storedId, storedVersion } from '../domain/product.js';
import type { RebuildStore, RebuildTarget } from '../mongo/rebuild-target.js';
import type { Phase, Progress } from './progress.js';
import type { ProgressBar } from './progress-bar.js';
import type { RebuildSource } from './source.js';

export interface RebuildDeps {
  /** The read model's MongoDB side (mongo/rebuild-target.ts): progress, pointer, collections. */
  readonly store: RebuildStore;
  readonly source: RebuildSource;
  /** Rewrites Redis and the search table from the rebuilt collection (caches.ts). */
  readonly rewriteCaches: (target: RebuildTarget, total: number) => Promise<unknown>;
  /**
   * Called right after the switch: Redis still mirrors the old collection, so its completeness
   * marker must stop answering misses with NOT_FOUND (they then read the new, complete one).
   */
  readonly switched: () => Promise<void>;
  readonly chunkSize: number;
  /** How long after the switch every reader has surely followed it and finished its batch. */
  readonly settleMs: number;
  /** Longest writer transaction the catch-ups allow for (outbox `created_at` is its start). */
  readonly catchUpMarginMs: number;
  readonly bar: ProgressBar;
  readonly now?: () => number;
}

/**
 * The version guard's batch size: each batch is one filtered delete, a scan of the collection on
 * FerretDB whatever the number of ids (500 products at 100k: 7 s), so batches are large.
 */
const guardedBatch = 2_000;
/** Each pass races live readers only on what they saved during the one before: a few suffice. */
const maxRepairPasses = 5;

/*
 * Why copy-then-catch-up and not a dual write from the live projection: the readers need not
 * learn that a rebuild runs, which with several instances would need a handshake before the copy
 * may start. Instead every change the copy may have missed is found again in PostgreSQL:
 * 1. copy: every product and tombstone, keyset-paged, into a fresh collection with plain
 *    insertMany (FerretDB uses no index for a filtered statement; inserts use the `_id` one);
 * 2. catch-up: products with an outbox row since the copy started (minus the longest
 *    transaction), re-read and saved with the projection's own version guard (only newer
 *    versions replace);
 * 3. switch: the pointer names the fresh collection; readers follow within a second; the Redis
 *    index stops claiming completeness, so a miss reads the fresh collection;
 * 4. settle: once every reader writes the fresh collection (settleMs), a second catch-up takes
 *    what the old one got between the first catch-up and the switch. Events applied after the
 *    switch write the fresh collection themselves;
 * 5. caches: Redis and the search table rewritten from the fresh collection; 6. cleanup.
 * Each step is recorded before the next starts, so a second run continues where one died.
 */
export async function rebuildReadModel(deps: RebuildDeps): Promise<Progress> {
  const { source, bar } = deps;
  const now = deps.now ?? Date.now;
  const store = deps.store.progress;
  let progress = await store.load();
  if (progress) {
    bar.line(`resuming the rebuild into ${progress.target} at step ${progress.phase}`);
  } else {
    progress = {
      phase: 'copy',
      target: `${deps.store.base}_rebuilt_${now()}`,
      previous: await deps.store.activeCollection(),
      copyStartedAt: await source.now(),
      copied: 0,
    };
    await store.save(progress);
    bar.line(`rebuilding the read model into ${progress.target} (was ${progress.previous})`);
  }
  const target = await deps.store.open(progress.target);
  const total = await source.count();
  const advance = async (next: Phase, changes: Partial<Progress> = {}) => {
    progress = { ...(progress as Progress), ...changes, phase: next, after: undefined };
    await store.save(progress);
  };
  // Versions this run saved already: the second catch-up's window overlaps the first one's (the
  // margin), and each guarded batch costs a scan, so what is unchanged since is not saved again.
  const saved = new Map<string, number>();
  const catchUp = async (since: Date, name: string) => {
    const ids = await source.changedSince(new Date(since.getTime() - deps.catchUpMarginMs));
    bar.step(name, ids.length);
    const written: string[] = [];
    for (let i = 0; i < ids.length; i += guardedBatch) {
      const batch = ids.slice(i, i + guardedBatch);
      const changed = (await source.current(batch)).filter(
        (s) => saved.get(storedId(s)) !== storedVersion(s),
      );
      await target.saveGuarded(changed);
      written.push(...changed.map(storedId));
      for (const stored of changed) saved.set(storedId(stored), storedVersion(stored));
      bar.advance(batch.length);
    }
    bar.finish(`(${written.length} saved)`);
    return written;
  };
  /**
   * After the settle catch-up, the products it saved whose version in the fresh collection is
   * still older than PostgreSQL's are saved again, until none is. Why: that catch-up writes the
   * collection the live readers write too, and on FerretDB a guarded save is a delete and an
   * insert, and the delete is not atomic per document: it can remove a newer version a reader
   * inserted after the delete's scan, then insert its older one (the rebuild e2e caught a
   * product left at version 3 of 4 this way). A reader saving the product again meanwhile only
   * makes it newer; the pass ends when PostgreSQL and the collection agree.
   */
  const repairLostVersions = async (ids: readonly string[]) => {
    let behind = ids;
    for (let pass = 1; behind.length > 0; pass++) {
      if (pass > maxRepairPasses)
        throw new Error(`${behind.length} products still behind PostgreSQL after ${maxRepairPasses} passes`);
      const next: string[] = [];
      for (let i = 0; i < behind.length; i += guardedBatch) {
        const batch = behind.slice(i, i + guardedBatch);
        const stored = new Map((await target.findByIds(batch)).map((s) => [storedId(s), storedVersion(s)]));
        const older = (await source.current(batch)).filter(
          (s) => (stored.get(storedId(s)) ?? 0) < storedVersion(s),
        );
        if (older.length === 0) continue;
        await target.saveGuarded(older);
        next.push(...older.map(storedId));
      }
      if (next.length > 0) bar.line(`saved ${next.length} products again that a reader's save had raced`);
      behind = next;
    }
  };

  if (progress.phase === 'copy' || progress.phase === 'tombstones') {
    bar.step('copy', total, progress.copied);
    for (const phase of ['copy', 'tombstones'] as const) {
      if (progress.phase !== phase) continue;
      const page: RebuildSource['products'] = phase === 'copy' ? source.products : source.tombstones;
      for (;;) {
        const chunk: StoredProduct[] = await page(progress.after, deps.chunkSize);
        if (chunk.length === 0) break;
        await target.insertAll(chunk);
        const last = chunk.at(-1) as StoredProduct;
        progress = {
          ...progress,
          after: last.kind === 'live' ? last.product.productId : last.tombstone.productId,
          copied: progress.copied + chunk.length,
        };
        await store.save(progress);
        bar.advance(chunk.length);
      }
      await advance(phase === 'copy' ? 'tombstones' : 'catch-up');
    }
    bar.finish();
  }
  if (progress.phase === 'catch-up') {
    const catchUpStartedAt = await source.now();
    await catchUp(progress.copyStartedAt, 'catch-up');
    await advance('switch', { catchUpStartedAt });
  }
  if (progress.phase === 'switch') {
    await deps.store.pointTo(progress.target);
    await deps.switched();
    bar.line(`switched: the readers now read and write ${progress.target}`);
    await advance('settle');
  }
  if (progress.phase === 'settle') {
    await sleep(deps.settleMs);
    const racedWithReaders = await catchUp(
      progress.catchUpStartedAt ?? progress.copyStartedAt,
      'catch-up after the switch',
    );
    await repairLostVersions(racedWithReaders);
    await advance('caches');
  }
  if (progress.phase === 'caches') {
    await deps.rewriteCaches(target, total);
    await advance('cleanup');
  }
  if (progress.phase === 'cleanup') {
    if (progress.previous !== progress.target) {
      await deps.store.drop(progress.previous);
    }
    await store.clear();
    bar.line(`done: ${progress.copied} products copied; ${progress.previous} dropped`);
  }
  return progress;
}
