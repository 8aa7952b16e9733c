import type { Consumer } from 'kafkajs';

export interface ConsumerHealth {
  /** A member of its group with a current assignment (false while joining or rebalancing). */
  readonly member: boolean;
  readonly assignedPartitions: number;
  /** Epoch ms of the last fetch, batch or handler heartbeat: the consumer doing something. */
  readonly lastProgressAt: number;
  readonly lastCommitAt: number | undefined;
  /** Why the consumer counts as stalled, or undefined while it works (or may still recover). */
  readonly stalled: string | undefined;
}

export interface Liveness {
  health(): ConsumerHealth;
  /** The runner reports work in progress, which is not a stall however long it takes. */
  working<T>(work: () => Promise<T>): Promise<T>;
  progress(): void;
}

/**
 * Tracks whether a consumer still consumes, from what kafkajs reports, so that a consumer that
 * should consume and does not is noticed whatever kafkajs decided about restarting it (a failed
 * join left a consumer disconnected for good while it meant to retry). Stalled means: not a group
 * member for longer than `stallAfterMs`, or a member that neither fetched nor worked for that long
 * (an idle member still fetches: its long polls return every maxWaitTime).
 */
export function trackLiveness(
  consumer: Consumer,
  { stallAfterMs, now = Date.now }: { stallAfterMs: number; now?: () => number },
): Liveness {
  const { events } = consumer;
  let member = false;
  let assignedPartitions = 0;
  let notMemberSince = now();
  let lastProgressAt = now();
  let lastCommitAt: number | undefined;
  let working = 0;
  const leave = () => {
    if (member) notMemberSince = now();
    member = false;
  };
  const progress = () => {
    lastProgressAt = now();
  };

  consumer.on(events.GROUP_JOIN, ({ payload }) => {
    member = true;
    assignedPartitions = Object.values(payload.memberAssignment).reduce((n, parts) => n + parts.length, 0);
    progress();
  });
  consumer.on(events.REBALANCING, leave);
  consumer.on(events.CRASH, leave);
  consumer.on(events.STOP, leave);
  consumer.on(events.DISCONNECT, leave);
  consumer.on(events.FETCH, progress);
  consumer.on(events.START_BATCH_PROCESS, progress);
  consumer.on(events.COMMIT_OFFSETS, () => {
    lastCommitAt = now();
  });

  const stalled = (): string | undefined => {
    const at = now();
    if (!member)
      return at - notMemberSince > stallAfterMs
        ? `not a group member for ${at - notMemberSince} ms`
        : undefined;
    if (working === 0 && at - lastProgressAt > stallAfterMs) return `no fetch for ${at - lastProgressAt} ms`;
    return undefined;
  };

  return {
    health: () => ({ member, assignedPartitions, lastProgressAt, lastCommitAt, stalled: stalled() }),
    progress,
    working: async (work) => {
      working++;
      progress();
      try {
        return await work();
      } finally {
        working--;
        progress();
      }
    },
  };
}
