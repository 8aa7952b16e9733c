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
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const lags: PartitionLag[] = [];
  for (const { topic, partitions } of committed) {
    const ends = await admin.fetchTopicOffsets(topic);
    const byPartition = new Map(partitions.map((p) => [p.partition, Number(p.offset)]));
    for (const end of ends) {
      const at = byPartition.get(end.partition) ?? -1;
      const from = at >= 0 ? at : Number(end.low);
      lags.push({ topic, partition: end.partition, lag: Math.max(0, Number(end.high) - from) });
    }
  }
  return lags;
}

export interface LagMonitorOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly gauge: KafkaMetrics['lag'];
  readonly log: KafkaLog;
  readonly intervalMs?: number | undefined;
}

/** Refreshes the lag gauge on a timer; a failed read keeps the last values (and says so). */
export function startLagMonitor(options: LagMonitorOptions): { stop(): Promise<void> } {
  const admin = options.kafka.admin();
  let connected: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const refresh = async () => {
    try {
      connected ??= admin.connect();
      await connected;
      for (const { topic, partition, lag } of await fetchGroupLag(admin, options.groupId, options.topics))
        options.gauge.set({ topic, partition: String(partition) }, lag);
    } catch (error) {
      connected = undefined;
      options.log.debug({ err: error }, 'consumer lag could not be read, keeping the last values');
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = refresh().finally(schedule);
    }, options.intervalMs ?? 5_000);
  };
  running = refresh().finally(schedule);

  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await admin.disconnect().catch(() => {});
    },
  };
}
