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
  readonly metrics: Pick<KafkaMetrics, 'lag' | 'lagSources'>;
  readonly log: KafkaLog;
  /** A scrape waits at most this long for the broker; then the last values stand (default 1 s). */
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
  let running: Promise<void> | undefined;

  const read = async () => {
    connected ??= admin.connect();
    await connected;
    for (const { topic, partition, lag: value } of await fetchGroupLag(
      admin,
      options.groupId,
      options.topics,
    ))
      lag.set({ topic, partition: String(partition) }, value);
  };
  const refresh = async (): Promise<void> => {
    // Concurrent scrapes share one read.
    running ??= read().finally(() => {
      running = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, options.timeoutMs ?? 1_000);
    });
    try {
      await Promise.race([running, late]);
    } catch (error) {
      connected = undefined;
      options.log.debug({ err: error }, 'consumer lag could not be read, keeping the last values');
    } finally {
      clearTimeout(timer);
    }
  };
  lagSources.add(refresh);

  return {
    stop: async () => {
      lagSources.delete(refresh);
      await running?.catch(() => {});
      await admin.disconnect().catch(() => {});
    },
  };
}
