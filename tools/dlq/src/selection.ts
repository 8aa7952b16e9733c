import { dlqErrors } from './errors.js';

/** `[partition:]from[-to]`; without a partition only on a topic that has one. */
export interface OffsetRange {
  readonly partition?: number;
  readonly from: number;
  /** Inclusive, as typed. */
  readonly to: number;
}

export type Selection =
  | { readonly kind: 'all' }
  | { readonly kind: 'ranges'; readonly ranges: OffsetRange[] };

/** A partition's readable offsets as the broker reports them: `low` first, `high` one past the last. */
export interface PartitionOffsets {
  readonly partition: number;
  readonly low: number;
  readonly high: number;
}

/** What to read of one partition: [from, to) and, inside it, the offsets that were asked for. */
export interface PartitionPlan {
  readonly partition: number;
  readonly from: number;
  readonly to: number;
  readonly wanted: (offset: number) => boolean;
}

const rangePattern = /^(?:(\d+):)?(\d+)(?:-(\d+))?$/;

/** Parses `0:3-7,1:2` (pure; the command-line parser calls it). */
export function parseOffsetRanges(text: string): OffsetRange[] {
  const ranges = text.split(',').map((item) => {
    const match = rangePattern.exec(item.trim());
    if (!match) throw dlqErrors.USAGE(`"${item}" is not [partition:]offset or [partition:]from-to`);
    const [, partition, from = '', to] = match;
    const range = { from: Number(from), to: Number(to ?? from) };
    if (range.to < range.from) throw dlqErrors.USAGE(`"${item}": the range ends before it starts`);
    return partition === undefined ? range : { ...range, partition: Number(partition) };
  });
  return ranges;
}

export const formatRange = ({ partition, from, to }: OffsetRange): string =>
  `${partition === undefined ? '' : `${partition}:`}${from}${to === from ? '' : `-${to}`}`;

/**
 * Turns what the operator asked for into what to read, or says exactly which offsets do not exist.
 * Checked before anything is read or sent, so a redrive with a typo sends nothing rather than part.
 */
export function planSelection(
  topic: string,
  selection: Selection,
  partitions: readonly PartitionOffsets[],
): PartitionPlan[] {
  if (selection.kind === 'all')
    return partitions
      .filter((p) => p.high > p.low)
      .map((p) => ({ partition: p.partition, from: p.low, to: p.high, wanted: () => true }));

  const byPartition = new Map<number, OffsetRange[]>();
  for (const range of selection.ranges) {
    const partition = range.partition ?? onlyPartition(topic, range, partitions);
    const offsets = partitions.find((p) => p.partition === partition);
    if (!offsets) throw dlqErrors.OFFSET_NOT_FOUND(`${topic} has no partition ${partition}`);
    if (range.from < offsets.low || range.to >= offsets.high)
      throw dlqErrors.OFFSET_NOT_FOUND(
        `${topic} partition ${partition} holds offsets ${describeSpan(offsets)}, not ${formatRange(range)}`,
      );
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), { ...range, partition }]);
  }
  return [...byPartition.entries()]
    .sort(([a], [b]) => a - b)
    .map(([partition, ranges]) => ({
      partition,
      from: Math.min(...ranges.map((r) => r.from)),
      to: Math.max(...ranges.map((r) => r.to)) + 1,
      wanted: (offset) => ranges.some((r) => offset >= r.from && offset <= r.to),
    }));
}

function onlyPartition(topic: string, range: OffsetRange, partitions: readonly PartitionOffsets[]): number {
  // An offset alone names a different record in every partition: guessing one could redrive the
  // wrong message, so it is only accepted where there is nothing to choose between.
  const [only, ...others] = partitions;
  if (only && others.length === 0) return only.partition;
  const holding = partitions.filter((p) => range.from >= p.low && range.from < p.high);
  const hint = holding.map((p) => `${p.partition}:${formatRange(range)}`).join(' or ');
  throw dlqErrors.OFFSET_AMBIGUOUS(
    `${topic} has ${partitions.length} partitions; write partition:offset${hint ? ` (${hint})` : ''}`,
  );
}

const describeSpan = ({ low, high }: PartitionOffsets) =>
  high > low ? `${low}-${high - 1}` : `none (next offset ${high})`;
