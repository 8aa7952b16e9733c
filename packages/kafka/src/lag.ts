import type { KafkaMetrics } from '@cqrs-products/metrics';
import type { Kafka } from 'kafkajs';
import type { KafkaLog } from './client.js';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

/**
 * A group's lag per partition: log-end offset minus the group's committed offset (the whole log
 * when nothing was committed yet, as the group reads from the beginning). Read through the admin
 * API, so it does not depend on who is a member: it stays true while a consumer is rebalancing,
 * evicted or dead, which is exactly when it matters.
 */
export async function fetchGroupLag(
  admin: ReturnType<Kafka['admin']>,
  groupId: string,
  topics: readonly string[],
): Promise<PartitionLag[]> {
  // All at once: the backlog moves while they are read, and the reads' spread is the error.
  const [committed, ends] = await Promise.all([
    admin.fetchOffsets({ groupId, topics: [...topics] }),
    Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic))),
  ]);
  const lags: PartitionLag[] = [];
  topics.forEach((topic, index) => {
    const partitions = committed.find((c) => c.topic === topic)?.partitions ?? [];
    const byPartition = new Map(partitions.map((p) => [p.partition, Number(p.offset)]));
    for (const end of ends[index] ?? []) {
      const at = byPartition.get(end.partition) ?? -1;
      const from = at >= 0 ? at : Number(end.low);
      lags.push({ topic, partition: end.partition, lag: Math.max(0, Number(end.high) - from) });
    }
  });
  return lags;
}

export interface LagMonitorOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly metrics: Pick<KafkaMetrics, 'lag' | 'lagSources'>;
  readonly log: KafkaLog;
  /** A scrape waits at most this long for the broker; then the last values stand (default 2 s). */
  readonly timeoutMs?: number;
}

/**
 * Refreshes the lag gauge whenever it is collected (a Prometheus scrape), from the admin API. A
 * broker that does not answer in time leaves the last values (and a debug line), so a scrape never
 * hangs on Kafka.
 */
export function startLagMonitor(options: LagMonitorOptions): { stop(): Promise<void> } {
  const admin = options.kafka.admin();
  const { lag, lagSources } = options.metrics;
  let connected: Promise<void> | undefined;
  const reads = new Set<Promise<void>>();
  let started = 0;
  let applied = 0;

  /**
   * Each scrape reads anew rather than joining a read already under way: that one began before
   * the scrape, and on a busy machine its answer described a backlog long gone. Answers are
   * applied in the order their reads began, so a slow old read never overwrites a newer one.
   */
  const read = async (sequence: number) => {
    connected ??= admin.connect();
    await connected;
    const lags = await fetchGroupLag(admin, options.groupId, options.topics);
    if (sequence < applied) return;
    applied = sequence;
    for (const { topic, partition, lag: value } of lags)
      lag.set({ topic, partition: String(partition) }, value);
  };
  const refresh = async (): Promise<void> => {
    const reading = read(++started).catch((error: unknown) => {
      connected = undefined;
      options.log.debug({ err: error }, 'consumer lag could not be read, keeping the last values');
    });
    reads.add(reading);
    void reading.finally(() => reads.delete(reading));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.timeoutMs ?? 2_000);
    });
    await Promise.race([reading, late]);
    clearTimeout(timer);
  };
  lagSources.add(refresh);

  return {
    stop: async () => {
      lagSources.delete(refresh);
      await Promise.all(reads);
      await admin.disconnect().catch(() => {});
    },
  };
}
