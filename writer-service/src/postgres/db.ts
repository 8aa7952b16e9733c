import type pg from 'pg';

/** Anything that runs a query: the pool for single statements, a client inside a transaction. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/**
 * Runs `work` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it
 * throws (the error is rethrown). A connection that broke mid-transaction is discarded, not
 * returned to the pool.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client has no error listener of the pool's: a connection that dies while the
  // work awaits something else (the relay waits for Kafka inside its transaction) would emit an
  // unhandled 'error' and end the process. Noted here instead; the next query fails and says so.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
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
