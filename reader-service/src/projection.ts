import { eventVersion, type ProductEvent, projectEvent, storedId } from './domain/product.js';
import type { ProductRepository, SaveOutcome } from './mongo/product.repository.js';
import type { SearchRepository } from './postgres/search.repository.js';
import type { CommandEffect, CommandTokens } from './redis/command-tokens.js';
import type { ProductCache } from './redis/product.cache.js';

export interface ProjectionLog {
  debug(obj: object, msg: string): void;
}

export interface Projection {
  /**
   * Projects a batch of events (one Kafka batch, or a direct write as a batch of one): MongoDB
   * first, then the search table, then the cache. Stale and repeated events change nothing.
   * Resolves with one outcome per event, in order, once all three hold the batch (or a failed
   * cache write is recorded for repair); a failed search write rejects, so the batch comes again.
   * `effects` name the commands behind the events, for clients waiting to read their writes.
   */
  applyAll(
    events: readonly ProductEvent[],
    effects?: readonly CommandEffect[],
  ): Promise<readonly SaveOutcome[]>;
}

export interface ProjectionDeps {
  readonly repository: Pick<ProductRepository, 'saveAll'>;
  readonly searchStore: Pick<SearchRepository, 'saveAll'>;
  readonly cache: Pick<ProductCache, 'markWriting' | 'rememberAll'>;
  readonly tokens?: Pick<CommandTokens, 'record'>;
  readonly log: ProjectionLog;
}

export function createProjection({
  repository,
  searchStore,
  cache,
  tokens,
  log,
}: ProjectionDeps): Projection {
  return {
    applyAll: async (events, effects = []) => {
      if (events.length === 0) return [];
      const batch = events.map(projectEvent);
      // Before MongoDB: from its write until the cache's, Redis holds an older version, and no
      // instance may answer it from there (an instance reading MongoDB already shows the new one).
      // A batch that fails leaves its marks: MongoDB may hold part of it, and it comes again.
      const marks = await cache.markWriting(batch.map(storedId));
      try {
        const { outcomes, current } = await repository.saveAll(batch);
        // Every state of the batch, whatever MongoDB's outcome: the table has its own version
        // guard, and a batch that comes again after a crash between MongoDB and here is stale for
        // MongoDB but still missing from search. A failure rejects (the offset is not committed),
        // so the batch is projected again; MongoDB then finds it stale, and the search table gets it.
        await searchStore.saveAll([...batch, ...current]);
        // Only after MongoDB has them: the cache must never be ahead of the read model. The states
        // found saved already go too: if this batch comes again after a crash between MongoDB and
        // Redis, its events are all stale now, and the cache would otherwise never get them.
        await cache.rememberAll([...batch.filter((_, i) => outcomes[i] === 'applied'), ...current], marks);
        return finish(events, outcomes, effects);
      } finally {
        marks.end();
      }
    },
  };

  async function finish(
    events: readonly ProductEvent[],
    outcomes: readonly SaveOutcome[],
    effects: readonly CommandEffect[],
  ): Promise<readonly SaveOutcome[]> {
    // After the cache: a client told its change is visible finds it there. Stale events too: a
    // redelivery, or a version a newer one of the batch superseded, is in the read model as well.
    await tokens?.record(effects);
    events.forEach((event, i) => {
      if (outcomes[i] === 'stale') {
        log.debug({ type: event.type, version: eventVersion(event) }, 'stale event ignored');
      }
    });
    return outcomes;
  }
}
