import type { Kafka, KafkaLog } from '@cqrs-products/kafka';

export interface CreatesCaughtUp {
  /**
   * The latest moment such that every create in Kafka at that moment has been consumed (the
   * group's committed offsets reached the log ends seen then), or undefined until that is known.
   */
  since(): Date | undefined;
  stop(): Promise<void>;
}

export interface CreatesCaughtUpOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topic: string;
  readonly log: KafkaLog;
  readonly intervalMs: number;
}

interface Snapshot {
  readonly at: number;
  readonly ends: ReadonlyMap<number, number>;
}

/**
 * Why the parking sweeper asks this before it dead-letters: "parked longer than the window" alone
 * is not "its create never came". A create stuck behind a backlog on its topic (after an outage, a
 * writer restart, an overload) can be older than any window, and dead-lettering its update then
 * would lose an accepted change. A parked update's create was in Kafka before the update was (the
 * update was only accepted once the create was), so once the group has consumed everything the
 * create topic held at some moment after the update was parked, its create is not coming.
 *
 * Every interval: note the time, read the create topic's log ends, then the group's committed
 * offsets; the newest snapshot whose ends every partition has reached is the answer.
 */
export function watchCreatesCaughtUp(options: CreatesCaughtUpOptions): CreatesCaughtUp {
  const admin = options.kafka.admin();
  let connected: Promise<void> | undefined;
  let snapshots: Snapshot[] = [];
  let caughtUp: Date | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const look = async () => {
    try {
      connected ??= admin.connect();
      await connected;
      const at = Date.now();
      const ends = await admin.fetchTopicOffsets(options.topic);
      snapshots.push({ at, ends: new Map(ends.map((p) => [p.partition, Number(p.high)])) });
      const [committed] = await admin.fetchOffsets({ groupId: options.groupId, topics: [options.topic] });
      const position = new Map((committed?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      const reached = snapshots.findLastIndex((snapshot) =>
        [...snapshot.ends].every(([partition, end]) => end === 0 || (position.get(partition) ?? -1) >= end),
      );
      if (reached >= 0) {
        caughtUp = new Date((snapshots[reached] as Snapshot).at);
        snapshots = snapshots.slice(reached + 1);
      }
      // A group that never catches up must not grow this without bound; the oldest go first.
      if (snapshots.length > 10_000) snapshots = snapshots.slice(-5_000);
    } catch (error) {
      connected = undefined;
      options.log.debug({ err: error }, 'create topic position could not be read');
    }
  };
  const schedule = () => {
    if (!stopped) timer = setTimeout(() => void look().finally(schedule), options.intervalMs);
  };
  let first: Promise<void> | undefined = look().finally(schedule);

  return {
    since: () => caughtUp,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await first;
      first = undefined;
      await admin.disconnect().catch(() => {});
    },
  };
}
