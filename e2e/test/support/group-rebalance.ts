import { eventually } from '@cqrs-products/testing';
import { type Admin, AssignerProtocol, type GroupDescription } from 'kafkajs';

/**
 * How long a consumer group takes to recover from losing a member, measured from outside through
 * the Kafka admin API (what the broker's group coordinator says, not what the services believe).
 *
 * The group is **whole** at the first moment the coordinator reports it `Stable` with exactly
 * `members` members, at least one of which was not a member before the kill (the replacement;
 * with as many members as live instances, the killed one is then gone), every partition of every
 * subscribed topic assigned to exactly one member, and every member owning at least one partition
 * (the work is spread). It is **caught up** at the first moment after that when the group's
 * committed offset on every partition has reached the log end read at the moment it became whole:
 * the backlog that piled up while the partitions had no live owner has been consumed, so every
 * partition is not only assigned but consuming. Rebalance time = caught up minus kill.
 */
export interface RebalanceWatch {
  /** When the group was whole again (epoch ms), or null if not within the timeout. */
  readonly whole: Promise<number | null>;
  /** When it had caught up after that, or null. */
  readonly caughtUp: Promise<number | null>;
}

export interface RebalanceOptions {
  readonly admin: Admin;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly partitions: number;
  readonly members: number;
  /** Member ids before the kill (groupMemberIds). */
  readonly before: ReadonlySet<string>;
  readonly timeoutMs: number;
}

const pollMs = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function groupMemberIds(admin: Admin, groupId: string): Promise<Set<string>> {
  const [group] = (await admin.describeGroups([groupId])).groups;
  return new Set(group?.members.map((m) => m.memberId) ?? []);
}

/** Partitions per member ("topic:partition"), as the coordinator handed them out. */
export function assignments(group: GroupDescription): string[][] {
  return group.members.map((member) => {
    const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    return Object.entries(decoded?.assignment ?? {}).flatMap(([topic, partitions]) =>
      partitions.map((p) => `${topic}:${p}`),
    );
  });
}

/** Why a group is not whole yet, or undefined when it is. */
export function notWhole(group: GroupDescription | undefined, options: RebalanceOptions): string | undefined {
  if (!group) return 'no such group';
  if (group.state !== 'Stable') return `state ${group.state}`;
  if (group.members.length !== options.members)
    return `${group.members.length} members, want ${options.members}`;
  if (group.members.every((m) => options.before.has(m.memberId))) return 'no new member yet';
  const owned = assignments(group);
  if (owned.some((list) => list.length === 0)) return 'a member owns no partition';
  const all = owned.flat();
  const want = options.topics.length * options.partitions;
  if (all.length !== want || new Set(all).size !== want)
    return `${new Set(all).size} of ${want} partitions assigned (${all.length} assignments)`;
  return undefined;
}

async function logEnds(admin: Admin, topics: readonly string[]): Promise<Map<string, number>> {
  const ends = new Map<string, number>();
  for (const topic of topics)
    for (const { partition, high } of await admin.fetchTopicOffsets(topic))
      ends.set(`${topic}:${partition}`, Number(high));
  return ends;
}

export function watchRebalance(options: RebalanceOptions): RebalanceWatch {
  const { admin, groupId, topics } = options;
  const deadline = Date.now() + options.timeoutMs;
  const whole = (async () => {
    while (Date.now() < deadline) {
      const [group] = await admin
        .describeGroups([groupId])
        .then((answer) => answer.groups)
        .catch(() => []);
      if (notWhole(group, options) === undefined) return Date.now();
      await sleep(pollMs);
    }
    return null;
  })();
  const caughtUp = whole.then(async (wholeAt) => {
    if (wholeAt === null) return null;
    const ends = await logEnds(admin, topics).catch(() => undefined);
    while (ends && Date.now() < deadline) {
      const committed = await admin.fetchOffsets({ groupId, topics: [...topics] }).catch(() => []);
      const position = new Map(
        committed.flatMap(({ topic, partitions }) =>
          partitions.map((p): [string, number] => [`${topic}:${p.partition}`, Number(p.offset)]),
        ),
      );
      if ([...ends].every(([key, end]) => end === 0 || (position.get(key) ?? -1) >= end)) return Date.now();
      await sleep(pollMs);
    }
    return null;
  });
  return { whole, caughtUp };
}

/** Waits until the group has `members` members sharing every partition, each owning some. */
export async function waitUntilSpread(
  group: Pick<RebalanceOptions, 'admin' | 'groupId' | 'topics' | 'partitions'>,
  members: number,
  timeoutMs = 60_000,
): Promise<void> {
  const options = { ...group, members, before: new Set<string>(), timeoutMs };
  await eventually(
    async () => notWhole((await group.admin.describeGroups([group.groupId])).groups[0], options),
    (why) => why === undefined,
    { timeoutMs, intervalMs: pollMs, what: `${group.groupId} spread over ${members} members` },
  );
}
