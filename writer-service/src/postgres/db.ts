import { isAppError } from '@cqrs-products/errors';
import { isConnectionError, inTransaction as transaction } from '@cqrs-products/postgres';
import type pg from 'pg';
import { writerErrors } from '../errors.js';

/** Anything that runs a query: the pool for single statements, a client inside a transaction. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/**
 * Runs `work` in one transaction on one connection (packages/postgres: COMMIT, ROLLBACK, a broken
 * connection discarded). PostgreSQL being unreachable (at connect, or in any statement of the
 * transaction) is thrown as DEPENDENCY_UNAVAILABLE (`postgresFailure`); anything else the work
 * throws (the relay's Kafka errors) passes unchanged.
 */
export function inTransaction<T>(pool: pg.Pool, work: (tx: Queryable) => Promise<T>): Promise<T> {
  return transaction(pool, (client) => work(namingOutages(client)), { failure: postgresFailure });
}

/** Resolves while PostgreSQL answers a trivial query; rejects with its error otherwise. */
export async function pingPostgres(pool: Queryable): Promise<void> {
  await pool.query('SELECT 1');
}

/**
 * The same statements, with PostgreSQL being unreachable thrown as the writer's coded error: the
 * failure is named here, where PostgreSQL's errors are known, once, so its callers (the Kafka
 * consumer, the gRPC server) only read `retryable`.
 */
export function namingOutages(db: Queryable): Queryable {
  const query = (...args: unknown[]) =>
    (db.query as (...a: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
      throw postgresFailure(error);
    });
  return { query: query as Queryable['query'] };
}

/**
 * A connection failure becomes DEPENDENCY_UNAVAILABLE (retryable: the partition waits, the gRPC
 * caller is told to retry) with the driver's error as its cause and its message as the detail;
 * any other error is returned as it is.
 */
export function postgresFailure(error: unknown): unknown {
  if (isAppError(error) || !isConnectionError(error)) return error;
  const { message } = error as { message?: unknown };
  const detail = typeof message === 'string' && message !== '' ? `PostgreSQL: ${message}` : 'PostgreSQL';
  return writerErrors.DEPENDENCY_UNAVAILABLE(detail, { cause: error });
}
