import { type ProductTopics, productTopics } from '@cqrs-products/contracts';
import { createKafka, createProducer, type Kafka, type Producer } from '@cqrs-products/kafka';
import { eventually, type Stack, startStack, testEndpoints } from '@cqrs-products/testing';
import type { Admin } from 'kafkajs';
import type { KafkaRecord } from '../../../../tools/dlq/src/dead-letter.js';
import { readRecords } from '../../../../tools/dlq/src/kafka/records.reader.js';
import { partitionOffsets } from '../../../../tools/dlq/src/kafka/topics.js';
import { planSelection } from '../../../../tools/dlq/src/selection.js';

const quiet = { error() {}, warn() {}, info() {}, debug() {} };

export interface DlqStack {
  readonly stack: Stack;
  readonly topics: ProductTopics;
  readonly producer: Producer;
  /** What the CLI is run with: the stack's brokers and topic prefix. */
  readonly cliEnv: Record<string, string>;
  api(method: string, path: string, body: unknown): Promise<Response>;
  productRow(productId: string): Promise<{ version: string; price: number } | undefined>;
  /** The outbox's message types for a product, in commit order: one per applied change. */
  outboxTypes(productId: string): Promise<string[]>;
  records(topic: string): Promise<KafkaRecord[]>;
  recordAt(topic: string, partition: number, offset: number): Promise<KafkaRecord | undefined>;
  /** Waits until at least `count` records of the topic match. */
  recordsWith(topic: string, match: (r: KafkaRecord) => boolean, count: number): Promise<KafkaRecord[]>;
  /** `partition:high` of every partition: changes iff something was written to the topic. */
  endOffsets(topic: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The three services as processes, with a park window short enough that an update of an unknown
 * product is dead-lettered within a test. startStack passes its own environment on to the
 * services, so the variable is set here rather than through an option of packages/testing.
 */
export async function startDlqStack(parkWindowMs: number): Promise<DlqStack> {
  process.env.COMMAND_PARK_WINDOW_MS = String(parkWindowMs);
  const stack = await startStack();
  const { kafkaBrokers } = testEndpoints();
  const kafka: Kafka = createKafka({ brokers: kafkaBrokers, clientId: 'dlq-e2e' }, quiet);
  const admin: Admin = kafka.admin();
  const producer = createProducer(kafka);
  await Promise.all([admin.connect(), producer.connect()]);

  const query = <R extends object>(sql: string, values: unknown[]) =>
    stack.database.pool.query<R>(sql, values).then((result) => result.rows);
  const records = async (topic: string) => {
    const partitions = planSelection(topic, { kind: 'all' }, await partitionOffsets(admin, topic));
    return readRecords(kafka, admin, [{ topic, partitions }]);
  };
  return {
    stack,
    topics: productTopics(stack.topicPrefix),
    producer,
    cliEnv: { KAFKA_BROKERS: kafkaBrokers.join(','), KAFKA_TOPIC_PREFIX: stack.topicPrefix },
    api: (method, path, body) =>
      fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    productRow: async (productId) =>
      (
        await query<{ version: string; price: number }>(
          'SELECT version, price FROM products WHERE product_id = $1',
          [productId],
        )
      )[0],
    outboxTypes: async (productId) =>
      (
        await query<{ message_type: string }>(
          'SELECT message_type FROM outbox WHERE aggregate_id = $1 ORDER BY id',
          [productId],
        )
      ).map((row) => row.message_type),
    records,
    recordAt: async (topic, partition, offset) =>
      (
        await readRecords(kafka, admin, [
          { topic, partitions: [{ partition, from: offset, to: offset + 1, wanted: () => true }] },
        ])
      )[0],
    recordsWith: (topic, match, count) =>
      eventually(
        async () => (await records(topic)).filter(match),
        (found) => found.length >= count,
        { timeoutMs: 30_000, intervalMs: 200, what: `${count} matching record(s) in ${topic}` },
      ),
    endOffsets: async (topic) =>
      (await partitionOffsets(admin, topic)).map((p) => `${p.partition}:${p.high}`).join(','),
    stop: async () => {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
      await stack.stop();
      delete process.env.COMMAND_PARK_WINDOW_MS;
    },
  };
}
