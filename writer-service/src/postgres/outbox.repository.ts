import type { Queryable } from './db.js';

/** Channel the command transaction notifies on commit, so the relay wakes at once. */
export const outboxChannel = 'outbox';

export interface NewOutboxRow {
  readonly aggregateId: string;
  readonly topic: string;
  readonly messageType: string;
  readonly payload: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export interface OutboxRow extends NewOutboxRow {
  readonly id: string;
  /** When the change was committed (the row was inserted), for the publish delay metric. */
  readonly createdAt: Date;
}

interface Row {
  id: string;
  aggregate_id: string;
  topic: string;
  message_type: string;
  payload: Buffer;
  headers: Record<string, string>;
  created_at: Date;
}

/**
 * Inserts the events in the given order (ids follow it) and queues one notification, in one
 * statement. PostgreSQL delivers NOTIFY only when (and if) the transaction commits, so the relay
 * is never woken for a row it cannot see yet.
 */
export async function insertOutboxRows(db: Queryable, rows: readonly NewOutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `WITH inserted AS (
       INSERT INTO outbox (aggregate_id, topic, message_type, payload, headers)
       SELECT aggregate_id, topic, message_type, payload, headers
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bytea[], $5::jsonb[])
         WITH ORDINALITY AS r(aggregate_id, topic, message_type, payload, headers, n)
       ORDER BY n
       RETURNING 1
     )
     SELECT pg_notify($6, '')`,
    [
      rows.map((row) => row.aggregateId),
      rows.map((row) => row.topic),
      rows.map((row) => row.messageType),
      rows.map((row) => row.payload),
      rows.map((row) => JSON.stringify(row.headers)),
      outboxChannel,
    ],
  );
}

/**
 * The oldest unpublished rows, locked until the transaction ends. SKIP LOCKED keeps a second
 * relay from blocking on (or re-reading) rows that are being published right now.
 */
export async function lockPendingRows(db: Queryable, limit: number): Promise<OutboxRow[]> {
  const { rows } = await db.query<Row>(
    `SELECT id, aggregate_id, topic, message_type, payload, headers, created_at FROM outbox
     WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map((row) => ({
    id: row.id,
    aggregateId: row.aggregate_id,
    topic: row.topic,
    messageType: row.message_type,
    payload: row.payload,
    headers: row.headers,
    createdAt: row.created_at,
  }));
}

export async function markPublished(db: Queryable, ids: readonly string[]): Promise<void> {
  await db.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [ids]);
}

// Any constant works as long as nothing else in this database uses it for another purpose.
const relayLockKey = 0x6f7574626f78; // "outbox"

/** Only one relay per database publishes at a time; the lock ends with the transaction. */
export async function tryTakeRelayLock(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
    relayLockKey,
  ]);
  return rows[0]?.locked === true;
}

export async function countPending(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM outbox WHERE published_at IS NULL',
  );
  return Number(rows[0]?.n ?? 0);
}
