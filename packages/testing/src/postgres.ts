import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { uniqueName } from './endpoints.js';

export const migrationsDir = fileURLToPath(new URL('../../../migrations/', import.meta.url));

export interface TestDatabase {
  readonly url: string;
  readonly pool: pg.Pool;
  migrate(direction: 'up' | 'down'): Promise<string[]>;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A fresh database per test file, migrated to the latest schema, so files can run in parallel
 * against one server without seeing each other's rows.
 */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = uniqueName('test');
  await withPostgresClient(serverUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = databaseUrl(serverUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 5 });

  const migrate = async (direction: 'up' | 'down') => {
    const applied = await runner({
      databaseUrl: url,
      dir: migrationsDir,
      direction,
      migrationsTable: 'pgmigrations',
      // Down by one step at a time would need a count per file; tests want "all the way".
      count: Number.POSITIVE_INFINITY,
      log: () => {},
    });
    return applied.map((m) => m.name);
  };
  await migrate('up');

  return {
    url,
    pool,
    migrate,
    drop: async () => {
      await pool.end();
      await withPostgresClient(serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

/** The URL of database `name` on the server of `serverUrl`. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** One connection for `fn` (e.g. CREATE or DROP DATABASE, which a pool's transaction cannot run), closed after it. */
export async function withPostgresClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
