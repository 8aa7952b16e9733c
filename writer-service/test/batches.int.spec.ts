import { randomUUID } from 'node:crypto';
import { deadLetterHeaders } from '@cqrs-products/kafka';
import { describe, expect, it } from 'vitest';
import { poisonCodes } from '../src/kafka/command-message.js';
import { encodeCommand, until } from './support/harness.js';
import { useWriter } from './support/writer-fixture.js';

const writer = useWriter();
const { versionsOf, deadFor } = writer;

const createOf = (productId: string) => ({
  key: productId,
  value: encodeCommand('create', { ProductID: productId, Name: 'Lamp', Description: 'A lamp', Price: 2 }),
});
const query = (sql: string, params: unknown[]) => writer.db.pool.query(sql, params);
const productsOf = async (ids: readonly string[]) =>
  (await query('SELECT * FROM products WHERE product_id = ANY($1) ORDER BY product_id', [ids])).rows;

/** A create on the same partition, sent after the others: once its event is out, they were consumed. */
async function trailingMarker(): Promise<void> {
  const marker = randomUUID();
  await writer.sendBatch('create', [createOf(marker)]);
  await until(() => versionsOf(marker).length === 1);
}

describe('commands consumed in batches', () => {
  it('a poison message in the middle of a batch goes to the DLQ alone; its neighbours are applied', async () => {
    const [first, poison, last] = [randomUUID(), randomUUID(), randomUUID()];
    await writer.sendBatch('create', [
      createOf(first),
      { key: poison, value: Buffer.from([0xff, 0xfe, 0xfd, 0x00]) },
      createOf(last),
    ]);

    await until(() => versionsOf(first).length === 1 && versionsOf(last).length === 1);
    await until(() => deadFor(poison).length === 1);
    await trailingMarker();
    expect(deadFor(poison)[0]?.headers[deadLetterHeaders.errorCode]).toBe(poisonCodes.undecodable);
    expect(deadFor(first)).toEqual([]);
    expect(deadFor(last)).toEqual([]);
    expect((await productsOf([first, last])).map((p) => p.version)).toEqual(['1', '1']);
  });

  it('a batch delivered twice changes nothing the second time', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const messageIds = await writer.sendBatch('create', ids.map(createOf));
    await until(() => ids.every((id) => versionsOf(id).length === 1));
    const before = await productsOf(ids);

    await writer.sendBatch(
      'create',
      ids.map((id, i) => ({ ...createOf(id), messageId: messageIds[i] })),
    );
    await trailingMarker();

    expect(await productsOf(ids)).toEqual(before);
    for (const id of ids) expect(versionsOf(id)).toEqual([1]);
    const outbox = await query('SELECT 1 FROM outbox WHERE aggregate_id = ANY($1)', [ids]);
    expect(outbox.rowCount).toBe(3);
    expect(ids.flatMap(deadFor)).toEqual([]);
  });

  it('when the database connection dies mid-batch, nothing is half applied and the retry applies everything once', async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID());
    // Holding the outbox stops the batch at its outbox insert, after its products were written.
    const blocker = await writer.db.pool.connect();
    let terminated = 0;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE outbox IN EXCLUSIVE MODE');
      await writer.sendBatch('create', ids.map(createOf));
      const waiting = async () =>
        (
          await query(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
             AND query LIKE '%INSERT INTO outbox%'`,
            [],
          )
        ).rows as { pid: number }[];
      await until(async () => (await waiting()).length > 0);
      for (const { pid } of await waiting()) {
        const { rows } = await query('SELECT pg_terminate_backend($1) AS done', [pid]);
        if (rows[0]?.done) terminated++;
      }
      // Still blocked, and rolled back: not one product of the batch is visible.
      expect(await productsOf(ids)).toEqual([]);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    expect(terminated).toBeGreaterThan(0);

    await until(() => ids.every((id) => versionsOf(id).length === 1), { timeoutMs: 30_000 });
    await trailingMarker();
    for (const id of ids) expect(versionsOf(id)).toEqual([1]);
    expect((await productsOf(ids)).map((p) => p.version)).toEqual(ids.map(() => '1'));
    const outbox = await query('SELECT 1 FROM outbox WHERE aggregate_id = ANY($1)', [ids]);
    expect(outbox.rowCount).toBe(ids.length);
    expect(ids.flatMap(deadFor)).toEqual([]);
  });
});
