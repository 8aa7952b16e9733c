import { createTestDatabase, type TestDatabase, testEndpoints } from '@cqrs-products/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../src/postgres/db.js';

let database: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  database = await createTestDatabase(testEndpoints().postgresUrl);
  pool = new pg.Pool({ connectionString: database.url, max: 2 });
  pool.on('error', () => {});
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

describe('a transaction whose connection dies while the work awaits something else', () => {
  it('fails with the connection error instead of crashing the process, and the pool recovers', async () => {
    const crashes: unknown[] = [];
    const onUncaught = (error: unknown) => crashes.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const outcome = inTransaction(pool, async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // What a PostgreSQL restart does to this connection, while the work waits (as the outbox
        // relay waits for Kafka inside its transaction).
        await database.pool.query('SELECT pg_terminate_backend($1)', [rows[0]?.pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tx.query('SELECT 1');
      });

      await expect(outcome).rejects.toThrow(/connection|terminat/i);
      expect(crashes).toEqual([]);
      await expect(inTransaction(pool, (tx) => tx.query('SELECT 1 AS ok'))).resolves.toMatchObject({
        rows: [{ ok: 1 }],
      });
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
