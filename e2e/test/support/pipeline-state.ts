import {
  decodeMessage,
  fromProductRow,
  type KafkaMessageName,
  type ProductRow,
  productColumns,
  productTopics,
} from '@cqrs-products/contracts';
import { deadLetterTopic } from '@cqrs-products/kafka';
import type { Stack } from '@cqrs-products/testing';
import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import type { CommandKind, ExpectedProduct } from './command-stream.js';

/**
 * Everything that must agree once the pipeline has drained, read from the real stores: the write
 * model (products, outbox, processed_commands), the read model (MongoDB), the cache (Redis) and
 * Kafka (committed offsets, dead-letter topics).
 */
export interface PipelineCheck {
  /** Accepted changes with no effect: versions expected but never committed. */
  readonly lost: number;
  /** Effects committed more than once: repeated versions in the outbox, surplus processed commands. */
  readonly duplicated: number;
  /** Effects of commands nobody had accepted: unknown products, versions beyond the expected one. */
  readonly invented: number;
  readonly deadLettered: number;
  readonly outboxPending: number;
  readonly consumerLag: number;
  readonly cacheEntriesChecked: number;
  /** Every disagreement, readable; empty when all stores agree with the accepted commands. */
  readonly problems: string[];
}

export interface CheckInputs {
  readonly stack: Stack;
  readonly mongo: MongoClient;
  readonly redis: Redis;
  readonly admin: Admin;
  readonly expected: ReadonlyMap<string, ExpectedProduct>;
  readonly accepted: Record<CommandKind, number>;
  readonly expectedDeadLetters: number;
}

interface OutboxRow {
  aggregate_id: string;
  message_type: KafkaMessageName;
  payload: Buffer;
  published_at: Date | null;
}
interface ReadDocument {
  _id: string;
  version: number;
  deleted: boolean;
  name?: string;
  description?: string;
  price?: number;
}

const commandTopicKinds = (stack: Stack): Record<string, CommandKind> => {
  const { commands } = productTopics(stack.topicPrefix);
  return { [commands.create]: 'create', [commands.update]: 'update', [commands.delete]: 'delete' };
};

export async function checkPipeline(inputs: CheckInputs): Promise<PipelineCheck> {
  const { stack, expected } = inputs;
  const problems: string[] = [];
  let lost = 0;
  let duplicated = 0;
  let invented = 0;
  const pool = stack.database.pool;

  const products = new Map(
    (await pool.query<ProductRow>(`SELECT ${productColumns} FROM products`)).rows.map((row) => [
      row.product_id,
      fromProductRow(row),
    ]),
  );
  const outbox = (
    await pool.query<OutboxRow>(
      'SELECT aggregate_id, message_type, payload, published_at FROM outbox ORDER BY id',
    )
  ).rows;
  const processed = await pool.query<{ topic: string; count: string }>(
    'SELECT topic, count(*) FROM processed_commands GROUP BY topic',
  );
  const documents = new Map(
    (
      await inputs.mongo
        .db(stack.mongoDatabase)
        .collection<ReadDocument>('products')
        .find({}, { projection: { _id: 1, version: 1, deleted: 1, name: 1, description: 1, price: 1 } })
        .toArray()
    ).map((doc) => [doc._id, doc]),
  );

  // The outbox, in commit order, is the history of each product: versions 1, 2, ... with no gap
  // (a lost change), no repeat (a change applied twice) and nothing past the expectation.
  const history = new Map<string, number[]>();
  for (const row of outbox) {
    const versions = history.get(row.aggregate_id) ?? [];
    versions.push(eventVersion(row));
    history.set(row.aggregate_id, versions);
  }
  const outboxPending = outbox.filter((row) => row.published_at === null).length;

  for (const [id, want] of expected) {
    const versions = history.get(id) ?? [];
    const distinct = new Set(versions);
    duplicated += versions.length - distinct.size;
    const highest = Math.max(0, ...versions);
    lost += Math.max(0, want.version - highest);
    invented += Math.max(0, highest - want.version);
    if (versions.join() !== range(want.version).join())
      problems.push(`${id}: outbox versions [${versions}] instead of [${range(want.version)}]`);

    const row = products.get(id);
    if (want.deleted) {
      if (row)
        problems.push(`${id}: deleted at version ${want.version} but PostgreSQL still has v${row.version}`);
    } else if (!row) {
      problems.push(`${id}: missing in PostgreSQL (want v${want.version})`);
    } else {
      const { name, description, price, version } = row;
      const got = { name, description, price, version };
      if (!sameProduct(got, want)) problems.push(`${id}: PostgreSQL ${show(got)} but accepted ${show(want)}`);
    }

    const doc = documents.get(id);
    if (!doc) problems.push(`${id}: missing in MongoDB (want v${want.version})`);
    else if (doc.deleted !== want.deleted || !sameProduct(readFields(doc), want))
      problems.push(
        `${id}: MongoDB ${show({ ...readFields(doc), deleted: doc.deleted })} but PostgreSQL ${show(want)}`,
      );
  }
  for (const id of new Set([...products.keys(), ...history.keys(), ...documents.keys()])) {
    if (expected.has(id)) continue;
    invented++;
    problems.push(`${id}: no accepted command created it, yet it is in the stores`);
  }

  const kinds = commandTopicKinds(stack);
  const processedByKind: Record<CommandKind, number> = { create: 0, update: 0, delete: 0 };
  for (const { topic, count } of processed.rows) {
    const kind = kinds[topic];
    if (kind) processedByKind[kind] += Number(count);
    else problems.push(`processed_commands has ${count} rows from ${topic}`);
  }
  for (const kind of ['create', 'update', 'delete'] as const) {
    const surplus = processedByKind[kind] - inputs.accepted[kind];
    if (surplus !== 0)
      problems.push(
        `${kind}: ${processedByKind[kind]} processed commands for ${inputs.accepted[kind]} accepted`,
      );
    if (surplus > 0) duplicated += surplus;
  }

  const cache = await checkCache(inputs, problems);
  const consumerLag = await lag(inputs);
  const deadLettered = await deadLetterCount(inputs);
  if (outboxPending > 0) problems.push(`${outboxPending} outbox rows not published yet`);
  if (consumerLag > 0) problems.push(`consumer lag ${consumerLag}`);
  if (deadLettered !== inputs.expectedDeadLetters)
    problems.push(`${deadLettered} dead-lettered messages, expected ${inputs.expectedDeadLetters}`);

  return {
    lost,
    duplicated,
    invented,
    deadLettered,
    outboxPending,
    consumerLag,
    cacheEntriesChecked: cache,
    problems,
  };
}

/** Where the cache has an entry, it holds exactly what the read model holds. */
async function checkCache(inputs: CheckInputs, problems: string[]): Promise<number> {
  const ids = [...inputs.expected.keys()];
  const pipeline = inputs.redis.pipeline();
  for (const id of ids) pipeline.hgetall(`${inputs.stack.redisKeyPrefix}${id}`);
  const answers = (await pipeline.exec()) ?? [];
  let checked = 0;
  answers.forEach(([error, entry], i) => {
    const id = ids[i] as string;
    const want = inputs.expected.get(id) as ExpectedProduct;
    const hash = entry as Record<string, string> | null;
    if (error || !hash?.doc) return;
    checked++;
    const stored = JSON.parse(hash.doc) as
      | { kind: 'live'; product: { name: string; description: string; price: number; version: number } }
      | { kind: 'deleted'; tombstone: { version: number } };
    const got =
      stored.kind === 'live'
        ? { ...stored.product, deleted: false }
        : { version: stored.tombstone.version, deleted: true };
    if (Number(hash.version) !== got.version || got.deleted !== want.deleted || !sameProduct(got, want))
      problems.push(`${id}: cache holds ${show({ ...got, hashVersion: hash.version })} but ${show(want)}`);
  });
  return checked;
}

/** Messages on the command and event topics not yet committed by the writer and reader groups. */
async function lag({ admin, stack }: CheckInputs): Promise<number> {
  const { commands, events } = productTopics(stack.topicPrefix);
  const groups = [
    { groupId: stack.consumerGroups['writer-service'], topics: Object.values(commands) },
    { groupId: stack.consumerGroups['reader-service'], topics: Object.values(events) },
  ];
  let total = 0;
  for (const { groupId, topics } of groups) {
    const committed = await admin.fetchOffsets({ groupId, topics });
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const at = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        // No commit yet means "at the start": everything from the low watermark is unread.
        const position = Number(at) < 0 ? Number(end.low) : Number(at);
        total += Math.max(0, Number(end.high) - position);
      }
    }
  }
  return total;
}

export function deadLetterTopics(stack: Stack): string[] {
  const { commands, events } = productTopics(stack.topicPrefix);
  return [...Object.values(commands), ...Object.values(events)].map(deadLetterTopic);
}

async function deadLetterCount({ admin, stack }: CheckInputs): Promise<number> {
  let count = 0;
  for (const topic of deadLetterTopics(stack))
    for (const { high, low } of await admin.fetchTopicOffsets(topic)) count += Number(high) - Number(low);
  return count;
}

function eventVersion(row: OutboxRow): number {
  const event = decodeMessage(row.message_type, row.payload) as {
    Version?: number;
    Product?: { Version?: number };
  };
  return Number(event.Product?.Version ?? event.Version);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

interface Comparable {
  version: number;
  name?: string | undefined;
  description?: string | undefined;
  price?: number | undefined;
}
/** Same version; for a live product also the same fields (a tombstone keeps only the version). */
function sameProduct(got: Comparable, want: ExpectedProduct): boolean {
  if (got.version !== want.version) return false;
  if (want.deleted) return true;
  return (
    got.name === want.fields.name &&
    got.description === want.fields.description &&
    Number(got.price) === want.fields.price
  );
}

const readFields = (doc: ReadDocument): Comparable => ({
  version: Number(doc.version),
  name: doc.name,
  description: doc.description,
  price: doc.price === undefined ? undefined : Number(doc.price),
});

const show = (value: object) => JSON.stringify(value);
