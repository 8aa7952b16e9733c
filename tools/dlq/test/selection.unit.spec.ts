import { describe, expect, it } from 'vitest';
import { type PartitionOffsets, parseOffsetRanges, planSelection } from '../src/selection.js';

const three: PartitionOffsets[] = [
  { partition: 0, low: 0, high: 4 },
  { partition: 1, low: 0, high: 0 },
  { partition: 2, low: 2, high: 10 },
];
const plan = (ranges: string, partitions = three) =>
  planSelection('t.dlq', { kind: 'ranges', ranges: parseOffsetRanges(ranges) }, partitions);
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a refusal');
};

describe('offset selection', () => {
  it('parses single offsets and inclusive ranges, with or without a partition', () => {
    expect(parseOffsetRanges('3,0:1-4, 2:9')).toEqual([
      { from: 3, to: 3 },
      { partition: 0, from: 1, to: 4 },
      { partition: 2, from: 9, to: 9 },
    ]);
  });

  it('--all reads every partition that holds records, from its first offset to its end', () => {
    const plans = planSelection('t.dlq', { kind: 'all' }, three);
    expect(plans.map(({ partition, from, to }) => ({ partition, from, to }))).toEqual([
      { partition: 0, from: 0, to: 4 },
      { partition: 2, from: 2, to: 10 },
    ]);
  });

  it('reads one span per partition but wants only the offsets asked for', () => {
    const [only, ...none] = plan('2:3,2:6-7');
    expect(none).toEqual([]);
    expect(only).toMatchObject({ partition: 2, from: 3, to: 8 });
    expect([3, 4, 5, 6, 7].filter((o) => only?.wanted(o))).toEqual([3, 6, 7]);
  });

  it('takes an offset without a partition on a one-partition topic only', () => {
    expect(plan('1-2', [{ partition: 0, low: 0, high: 3 }])).toMatchObject([
      { partition: 0, from: 1, to: 3 },
    ]);
    const ambiguous = refusal(() => plan('3'));
    expect(ambiguous.code).toBe('OFFSET_AMBIGUOUS');
    expect(ambiguous.message).toMatch(/3 partitions; write partition:offset \(0:3 or 2:3\)/);
  });

  it('refuses offsets that are not there, before anything is read, naming what the partition holds', () => {
    expect(refusal(() => plan('0:2-4')).message).toMatch(/partition 0 holds offsets 0-3, not 0:2-4/);
    expect(refusal(() => plan('1:0')).message).toMatch(/partition 1 holds offsets none \(next offset 0\)/);
    expect(refusal(() => plan('2:1')).code).toBe('OFFSET_NOT_FOUND');
    expect(refusal(() => plan('7:0')).message).toMatch(/has no partition 7/);
  });
});
