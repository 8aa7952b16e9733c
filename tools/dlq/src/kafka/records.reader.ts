import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { type KafkaRecord, recordAddress } from '../dead-letter.js';
import { dlqErrors } from '../errors.js';
import type { PartitionPlan } from '../selection.js';

export interface TopicPlan {
  readonly topic: string;
  readonly partitions: readonly PartitionPlan[];
}

export interface ReadOptions {
  /** Give up when no batch arrived for this long (a broker that stopped answering mid-read). */
  readonly idleTimeoutMs?: number;
}

/**
 * Reads the planned offsets with a throwaway consumer: kafkajs offers no fetch-by-offset outside a
 * group, so a fresh group seeks each partition to where the plan starts, commits nothing, and is
 * deleted afterwards. Nothing about the DLQ is remembered between runs: what is read is decided
 * by the offsets alone, and reading never changes what the next run sees.
 */
export async function readRecords(
  kafka: Kafka,
  admin: Admin,
  plans: readonly TopicPlan[],
  options: ReadOptions = {},
): Promise<KafkaRecord[]> {
  const pending = new Map<string, PartitionPlan>();
  for (const { topic, partitions } of plans)
    for (const plan of partitions) if (plan.to > plan.from) pending.set(`${topic}/${plan.partition}`, plan);
  const first = plans[0];
  if (!first || pending.size === 0) return [];

  // The topic name in the group id lets a test run's clean-up find a group a crash left behind.
  const groupId = `dlq-cli_${first.topic}_${randomUUID().slice(0, 8)}`;
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 200,
    // A one-shot read: a crash (e.g. a topic deleted meanwhile) ends it with the error instead of
    // restarting the consumer behind the operator's back.
    retry: { retries: 2, restartOnFailure: async () => false },
  });
  // By address: a batch fetched before the seek took effect may be delivered again after it.
  const records = new Map<string, KafkaRecord>();
  await consumer.connect();
  try {
    // Only topics with something to read: an empty DLQ costs no subscription.
    const topics = plans.filter((p) => p.partitions.some((plan) => plan.to > plan.from)).map((p) => p.topic);
    await consumer.subscribe({ topics, fromBeginning: true });
    await untilRead(consumer, plans, pending, records, options.idleTimeoutMs ?? 20_000);
  } finally {
    await consumer.disconnect();
    // Best effort: a leftover empty group holds no offsets and expires on its own.
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return [...records.values()].sort(
    (a, b) =>
      a.topic.localeCompare(b.topic) || a.partition - b.partition || Number(a.offset) - Number(b.offset),
  );
}

function untilRead(
  consumer: Consumer,
  plans: readonly TopicPlan[],
  pending: Map<string, PartitionPlan>,
  records: Map<string, KafkaRecord>,
  idleTimeoutMs: number,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (error?: unknown) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const left = [...pending.keys()].join(', ');
        finish(dlqErrors.READ_TIMEOUT(`no message for ${idleTimeoutMs} ms, still to read: ${left}`));
      }, idleTimeoutMs);
    };
    consumer.on(consumer.events.CRASH, ({ payload }) =>
      finish(dlqErrors.KAFKA_FAILED(`consumer crashed: ${payload.error.message}`, { cause: payload.error })),
    );
    idle();
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          idle();
          const key = `${batch.topic}/${batch.partition}`;
          const plan = pending.get(key);
          if (!plan) return;
          for (const message of batch.messages) {
            const offset = Number(message.offset);
            // Records appended after the plan was made are not ours: the plan is the snapshot.
            if (offset < plan.from || offset >= plan.to || !plan.wanted(offset)) continue;
            const { key: messageKey, value, headers = {}, timestamp } = message;
            const record = { topic: batch.topic, partition: batch.partition, offset: message.offset };
            records.set(recordAddress(record), { ...record, timestamp, key: messageKey, value, headers });
          }
          if (Number(batch.lastOffset()) >= plan.to - 1) pending.delete(key);
          if (pending.size === 0) finish();
        },
      })
      .then(() => {
        for (const { topic, partitions } of plans) {
          for (const plan of partitions)
            if (plan.to > plan.from)
              consumer.seek({ topic, partition: plan.partition, offset: String(plan.from) });
        }
      })
      .catch(finish);
  });
}
