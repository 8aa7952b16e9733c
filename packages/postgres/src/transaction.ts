import type pg from 'pg';

export interface TransactionOptions {
  /** The statement that opens the transaction: `BEGIN` unless given (e.g. `BEGIN READ ONLY; SET LOCAL ...`). */
  readonly begin?: string;
  /**
   * What a failure to connect, to begin or to commit is thrown as, so a service names its own
   * outages (its coded DEPENDENCY_UNAVAILABLE); unchanged by default. What the work throws is
   * never mapped here: the work knows what its failures are.
   */
  readonly failure?: (error: unknown) => unknown;
}

/**
 * Runs `work` in one transaction on one connection of the pool: COMMIT when it resolves,
 * ROLLBACK when it throws (the error is rethrown). A connection that broke mid-transaction, or
 * whose ROLLBACK failed, is discarded instead of returned to the pool.
 */
export async function inTransaction<T>(
  pool: Pick<pg.Pool, 'connect'>,
  work: (client: pg.PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const { begin = 'BEGIN', failure = (error: unknown) => error } = options;
  const named = <R>(step: Promise<R>): Promise<R> =>
    step.catch((error: unknown) => {
      throw failure(error);
    });
  const client = await named(pool.connect());
  let broken: Error | undefined;
  // A checked-out client has no error listener of the pool's: a connection that dies while the
  // work awaits something else (the writer's relay waits for Kafka inside its transaction) would
  // emit an unhandled 'error' and end the process. Noted here instead; the next query fails and says so.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await named(client.query(begin));
    const result = await work(client);
    await named(client.query('COMMIT'));
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
