import { createRegistry, dbMetrics } from '@cqrs-products/metrics';
import { testEndpoints, uniqueName } from '@cqrs-products/testing';
import pg from 'pg';
import { openSearchStore, type SearchStore } from '../../src/search/search-store.js';

const silent = { info() {}, warn() {} };

/**
 * A search database URL of this test's own on the test server. The reader creates the database
 * when it starts; the name carries the run's id, so the run's clean-up drops it if a test cannot.
 */
export function searchDatabaseUrl(name = uniqueName('search')): string {
  const url = new URL(testEndpoints().postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropSearchDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export interface TestSearchStore extends SearchStore {
  readonly url: string;
  /** The test's own connection, for asserting rows. */
  readonly sql: pg.Pool;
  /** Closes everything and drops the database. */
  drop(): Promise<void>;
}

/** The search store as start.ts opens it, on a database of its own. */
export async function openTestSearchStore(
  options: { queryTimeoutMs?: number } = {},
): Promise<TestSearchStore> {
  const url = searchDatabaseUrl();
  const store = await openSearchStore({
    postgresUrl: url,
    poolSize: 4,
    queryTimeoutMs: options.queryTimeoutMs ?? 5_000,
    db: dbMetrics(createRegistry('search-test')),
    log: silent,
  });
  const sql = new pg.Pool({ connectionString: url, max: 2 });
  return {
    ...store,
    url,
    sql,
    drop: async () => {
      await sql.end();
      await store.close();
      await dropSearchDatabase(url);
    },
  };
}
