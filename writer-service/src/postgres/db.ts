import { isAppError } from '@cqrs-products/errors';
import type pg from 'pg';
import { writerErrors } from '../errors.js';

/** Anything that runs a query: the pool for single statements, a client inside a transaction. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/**
 * Runs `work` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it
 * throws (the error is rethrown). A connection that broke mid-transaction is discarded, not
 * returned to the pool. PostgreSQL being unreachable (at connect, or in any statement of the
 * transaction) is thrown as DEPENDENCY_UNAVAILABLE (`postgresFailure`); anything else the work
 * throws (the relay's Kafka errors) passes unchanged.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (tx: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect().catch((error: unknown) => {
    throw postgresFailure(error);
  });
  const tx = namingOutages(client);
  let broken: Error | undefined;
  // A checked-out client has no error listener of the pool's: a connection that dies while the
  // work awaits something else (the relay waits for Kafka inside its transaction) would emit an
  // unhandled 'error' and end the process. Noted here instead; the next query fails and says so.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await tx.query('BEGIN');
    const result = await work(tx);
    await tx.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
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

/** PostgreSQL is unreachable or went away: the statement may succeed once it is back. */
export function isConnectionError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // SQLSTATE class 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect now.
    if (/^08/.test(code) || ['57P01', '57P02', '57P03'].includes(code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(code))
      return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(
      message,
    )
  );
}
