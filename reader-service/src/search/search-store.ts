import type { DbMetrics } from '@cqrs-products/metrics';
import { createSearchRepository, type SearchRepository } from '../postgres/search.repository.js';
import { ensureSearchSchema } from '../postgres/search.schema.js';
import { openSearchPool } from '../postgres/search-database.js';

export interface SearchStoreOptions {
  readonly postgresUrl: string;
  readonly poolSize: number;
  readonly queryTimeoutMs: number;
  readonly db: DbMetrics;
  readonly log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export interface SearchStore {
  readonly repository: SearchRepository;
  close(): Promise<void>;
}

/** Connects (creating the database if it is missing) and prepares the table and its indexes. */
export async function openSearchStore(options: SearchStoreOptions): Promise<SearchStore> {
  const pool = await openSearchPool({
    url: options.postgresUrl,
    poolSize: options.poolSize,
    log: options.log,
  });
  try {
    await ensureSearchSchema(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    repository: createSearchRepository({ pool, queryTimeoutMs: options.queryTimeoutMs, db: options.db }),
    close: () => pool.end(),
  };
}
