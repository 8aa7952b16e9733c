import type { KafkaOrigin, ParkedCommand } from '../command-batch.js';
import type { ProductCommand } from '../domain/product.js';
import type { Queryable } from './db.js';

/** A parked command as the sweeper dead-letters it. */
export interface ExpiredCommand {
  readonly sequence: string;
  readonly commandId: string;
  readonly productId: string;
  readonly origin: KafkaOrigin;
}

interface ParkedRow {
  sequence: string;
  command_id: string;
  product_id: string;
  kind: 'update' | 'delete';
  payload: { name?: string; description?: string; price?: number };
  trace_headers: Record<string, string>;
  message_value: Buffer | null;
  message_headers: Record<string, string | string[]>;
  source_topic: string;
  source_partition: number;
  source_offset: string;
  parked_at: Date;
}

const columns = `sequence, command_id, product_id, kind, payload, trace_headers, message_value,
  message_headers, source_topic, source_partition, source_offset, parked_at`;

const originOf = (row: ParkedRow): KafkaOrigin => ({
  topic: row.source_topic,
  partition: row.source_partition,
  offset: row.source_offset,
  value: row.message_value,
  headers: row.message_headers,
});

function commandOf(row: ParkedRow): ProductCommand {
  if (row.kind === 'delete') return { kind: 'delete', productId: row.product_id };
  const { name = '', description = '', price = 0 } = row.payload;
  return { kind: 'update', productId: row.product_id, name, description, price };
}

const toParked = (row: ParkedRow): ParkedCommand => ({
  envelope: {
    commandId: row.command_id,
    source: row.source_topic,
    traceHeaders: row.trace_headers,
    command: commandOf(row),
    origin: originOf(row),
  },
  parkedAt: row.parked_at,
});

function payloadOf(command: ProductCommand): object {
  if (command.kind === 'delete') return {};
  return { name: command.name, description: command.description, price: command.price };
}

/** Parks commands read from Kafka; one that was parked before keeps its first parking time. */
export async function parkCommands(db: Queryable, parked: readonly ParkedCommand[]): Promise<void> {
  const rows = parked.map(({ envelope, parkedAt }) => {
    const { origin, command } = envelope;
    if (!origin || command.kind === 'create') throw new Error(`cannot park command ${envelope.commandId}`);
    return { envelope, origin, command, parkedAt };
  });
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO parked_commands (command_id, product_id, kind, payload, trace_headers, message_value,
       message_headers, source_topic, source_partition, source_offset, parked_at)
     SELECT command_id, product_id, kind, payload, trace_headers, message_value, message_headers,
       source_topic, source_partition, source_offset, coalesce(parked_at, now())
     FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::jsonb[], $6::bytea[], $7::jsonb[],
       $8::text[], $9::integer[], $10::bigint[], $11::timestamptz[])
       WITH ORDINALITY AS r(command_id, product_id, kind, payload, trace_headers, message_value,
         message_headers, source_topic, source_partition, source_offset, parked_at, n)
     ORDER BY n`,
    [
      rows.map((r) => r.envelope.commandId),
      rows.map((r) => r.command.productId),
      rows.map((r) => r.command.kind),
      rows.map((r) => JSON.stringify(payloadOf(r.command))),
      rows.map((r) => JSON.stringify(r.envelope.traceHeaders)),
      rows.map((r) => r.origin.value),
      rows.map((r) => JSON.stringify(r.origin.headers)),
      rows.map((r) => r.origin.topic),
      rows.map((r) => r.origin.partition),
      rows.map((r) => r.origin.offset),
      rows.map((r) => r.parkedAt ?? null),
    ],
  );
}

/**
 * Removes and returns the parked commands of these products, each product's in arrival order. A
 * row the sweeper is dead-lettering right now is waited for: then it is gone, and not applied.
 */
export async function takeParkedCommands(
  db: Queryable,
  productIds: readonly string[],
): Promise<Map<string, ParkedCommand[]>> {
  const taken = new Map<string, ParkedCommand[]>();
  if (productIds.length === 0) return taken;
  const { rows } = await db.query<ParkedRow>(
    `DELETE FROM parked_commands WHERE product_id = ANY($1::uuid[]) RETURNING ${columns}`,
    [productIds],
  );
  rows.sort((a, b) => Number(BigInt(a.sequence) - BigInt(b.sequence)));
  for (const row of rows) taken.set(row.product_id, [...(taken.get(row.product_id) ?? []), toParked(row)]);
  return taken;
}

/**
 * Parked commands older than the window and parked before `parkedBefore`, locked until the
 * transaction ends. SKIP LOCKED: a second writer's sweeper takes other rows instead of sending
 * the same dead letters.
 */
export async function lockExpiredCommands(
  db: Queryable,
  windowMs: number,
  parkedBefore: Date,
  limit: number,
): Promise<ExpiredCommand[]> {
  const { rows } = await db.query<ParkedRow>(
    `SELECT ${columns} FROM parked_commands
     WHERE parked_at < now() - make_interval(secs => $1::double precision / 1000) AND parked_at < $2
     ORDER BY parked_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
    [windowMs, parkedBefore, limit],
  );
  return rows.map((row) => ({
    sequence: row.sequence,
    commandId: row.command_id,
    productId: row.product_id,
    origin: originOf(row),
  }));
}

export async function deleteParkedCommands(db: Queryable, sequences: readonly string[]): Promise<void> {
  if (sequences.length === 0) return;
  await db.query('DELETE FROM parked_commands WHERE sequence = ANY($1::bigint[])', [sequences]);
}

export async function countParkedCommands(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM parked_commands');
  return Number(rows[0]?.n ?? 0);
}

/** For tests and diagnostics: the ids of the commands parked for a product, in arrival order. */
export async function parkedCommandIds(db: Queryable, productId: string): Promise<string[]> {
  const { rows } = await db.query<{ command_id: string }>(
    'SELECT command_id FROM parked_commands WHERE product_id = $1 ORDER BY sequence',
    [productId],
  );
  return rows.map((row) => row.command_id);
}
