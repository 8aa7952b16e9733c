import type { Queryable } from './db.js';

export interface CommandRecord {
  readonly commandId: string;
  readonly source: string;
}

/**
 * Records the ids and returns those that were new. Inserting (rather than checking, then
 * inserting at the end) also covers two deliveries of one command running at once: the second
 * waits on the key, then sees it. Sorted, so that two batches wait on shared ids in one order.
 */
export async function recordCommands(db: Queryable, records: readonly CommandRecord[]): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const sorted = [...records].sort((a, b) => (a.commandId < b.commandId ? -1 : 1));
  const { rows } = await db.query<{ command_id: string }>(
    `INSERT INTO processed_commands (command_id, topic)
     SELECT command_id, topic FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS r(command_id, topic, n)
     ORDER BY n
     ON CONFLICT (command_id) DO NOTHING RETURNING command_id`,
    [sorted.map((r) => r.commandId), sorted.map((r) => r.source)],
  );
  return new Set(rows.map((row) => row.command_id));
}

/** Forgets rejected commands: their redelivery is rejected again rather than taken for a no-op. */
export async function forgetCommands(db: Queryable, commandIds: readonly string[]): Promise<void> {
  if (commandIds.length === 0) return;
  await db.query('DELETE FROM processed_commands WHERE command_id = ANY($1::uuid[])', [commandIds]);
}
