import { isAppError } from '@cqrs-products/errors';
import { isConnectionError } from '@cqrs-products/postgres';
import pg from 'pg';
import { readerErrors } from '../errors.js';

export interface SearchPoolOptions {
  /** The reader's own database (its path names it); never the writer's. */
  readonly url: string;
  readonly poolSize: number;
  readonly log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

const invalidCatalogName = '3D000';
const duplicateDatabase = '42P04';
const uniqueViolation = '23505';

/**
 * A pool on the search database, which is created first if it does not exist. The reader owns it
 * the way it owns its MongoDB database (which MongoDB creates on first write): a deployment names
 * it and the reader makes it, so no init script has to run first (an initdb script only runs on
 * an empty volume) and each test can use a database of its own by naming one. Creating needs the
 * CREATEDB privilege only when the database is missing.
 */
export async function openSearchPool({ url, poolSize, log }: SearchPoolOptions): Promise<pg.Pool> {
  const open = async () => {
    const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'reader-service' });
    // An idle connection that breaks must not crash the process; the next query reconnects.
    pool.on('error', (error) => log.warn({ err: error }, 'idle search database connection failed'));
    try {
      await pool.query('SELECT 1');
      return pool;
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
  };
  try {
    return await open();
  } catch (error) {
    if (codeOf(error) !== invalidCatalogName) throw error;
  }
  await createDatabase(url);
  log.info({ database: databaseName(url) }, 'created the search database');
  return open();
}

/** CREATE DATABASE through the server's maintenance database; another instance may win the race. */
async function createDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${quoteIdentifier(databaseName(url))}`);
  } catch (error) {
    // Two instances starting at once: one creates it, the other sees it exist (or, mid-creation,
    // the unique index of pg_database refuse the same name).
    if (![duplicateDatabase, uniqueViolation].includes(codeOf(error) ?? '')) throw error;
  } finally {
    await client.end();
  }
}

export const databaseName = (url: string): string => decodeURIComponent(new URL(url).pathname.slice(1));

const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * A write to the search table that failed because PostgreSQL is unreachable, as the reader's coded
 * error DEPENDENCY_UNAVAILABLE (retryable: the events consumer waits it out, never dead-letters),
 * with the driver's error as its cause; any other error is returned as it is.
 */
export function searchStoreFailure(error: unknown): unknown {
  if (isAppError(error) || !isSearchStoreUnavailable(error)) return error;
  const { message } = error as { message?: unknown };
  const detail = typeof message === 'string' && message !== '' ? `search store: ${message}` : 'search store';
  return readerErrors.DEPENDENCY_UNAVAILABLE(detail, { cause: error });
}

/**
 * PostgreSQL is unreachable, went away, or did not answer in time: the search may succeed later
 * (the caller answers "unavailable, try again" rather than "internal error").
 */
export function isSearchStoreUnavailable(error: unknown): boolean {
  // Besides a connection error: 57014, statement_timeout; 53300, too many connections.
  return isConnectionError(error) || ['57014', '53300'].includes(codeOf(error) ?? '');
}
