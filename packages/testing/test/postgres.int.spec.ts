import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, migrationsDir, type TestDatabase, testEndpoints } from '../src/index.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(testEndpoints().postgresUrl);
});
afterAll(() => db?.drop());

describe('PostgreSQL after migrations', () => {
  it('round-trips a product row with its version and timestamps', async () => {
    const id = '0b3f2a3e-8f5e-4c1a-9f61-3b1f0f6e2d11';
    await db.pool.query(
      'INSERT INTO products (product_id, name, description, price) VALUES ($1, $2, $3, $4)',
      [id, 'Lamp', 'A desk lamp', 19.99],
    );

    const { rows } = await db.pool.query('SELECT * FROM products WHERE product_id = $1', [id]);

    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ product_id: id, name: 'Lamp', price: 19.99, version: '1' });
    expect(rows[0].created_at).toBeInstanceOf(Date);
  });

  it('refuses a negative price at the database too', async () => {
    await expect(
      db.pool.query(
        "INSERT INTO products (product_id, name, description, price) VALUES (gen_random_uuid(), 'a', 'b', -1)",
      ),
    ).rejects.toThrow(/check constraint/);
  });

  it('keeps outbox rows in insertion order and finds the unpublished ones', async () => {
    for (const type of ['ProductCreated', 'ProductUpdated']) {
      await db.pool.query(
        "INSERT INTO outbox (aggregate_id, topic, message_type, payload) VALUES (gen_random_uuid(), 't', $1, '\\x00')",
        [type],
      );
    }
    const { rows } = await db.pool.query(
      'SELECT message_type FROM outbox WHERE published_at IS NULL ORDER BY id',
    );
    expect(rows.map((r) => r.message_type)).toEqual(['ProductCreated', 'ProductUpdated']);
  });

  it('records a command id only once', async () => {
    const insert = () =>
      db.pool.query(
        "INSERT INTO processed_commands (command_id, topic) VALUES ('5a0c4e3e-1a2b-4c3d-8e9f-001122334455', 't')",
      );
    await insert();
    await expect(insert()).rejects.toThrow(/duplicate key/);
  });

  it('migrates down to an empty schema and back up again', async () => {
    const migrations = readdirSync(migrationsDir).filter((name) => name.endsWith('.sql'));
    const down = await db.migrate('down');
    expect(down).toHaveLength(migrations.length);
    const { rows } = await db.pool.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'pgmigrations'",
    );
    expect(rows).toEqual([]);

    expect(await db.migrate('up')).toHaveLength(migrations.length);
  });
});
