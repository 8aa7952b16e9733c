import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/args.js';
import type { DlqError } from '../src/errors.js';

const failure = (argv: string[]): DlqError => {
  try {
    parseCommand(argv);
  } catch (error) {
    return error as DlqError;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
};

describe('dlq command line', () => {
  it('lists the known DLQ topics by default, every .dlq topic with --all, one with --topic', () => {
    expect(parseCommand(['list'])).toEqual({ kind: 'list', topics: { kind: 'known' } });
    expect(parseCommand(['list', '--prefix', 'p_'])).toEqual({
      kind: 'list',
      topics: { kind: 'known', prefix: 'p_' },
    });
    expect(parseCommand(['list', '--all', '--prefix', 'p_'])).toEqual({
      kind: 'list',
      topics: { kind: 'all', prefix: 'p_' },
    });
    expect(parseCommand(['list', '--topic', 'product_update.dlq'])).toEqual({
      kind: 'list',
      topics: { kind: 'topic', topic: 'product_update.dlq' },
    });
  });

  it('refuses --topic together with --all or --prefix', () => {
    expect(failure(['list', '--topic', 'a.dlq', '--all'])).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect(failure(['list', '--topic', 'a.dlq', '--prefix', 'x']).message).toMatch(/--topic names one topic/);
  });

  it('show takes a DLQ topic and one [partition:]offset', () => {
    expect(parseCommand(['show', 'product_update.dlq', '2:17'])).toEqual({
      kind: 'show',
      topic: 'product_update.dlq',
      offset: { partition: 2, from: 17, to: 17 },
    });
    expect(parseCommand(['show', 'product_update.dlq', '5'])).toMatchObject({ offset: { from: 5, to: 5 } });
    expect(failure(['show', 'product_update.dlq', '1:2-4']).message).toMatch(/one offset/);
    expect(failure(['show', 'product_update.dlq']).message).toMatch(/show needs/);
    expect(failure(['show', 'product_update.dlq', 'x']).message).toMatch(/"x" is not/);
  });

  it('redrive needs exactly one of --offsets and --all, and --dry-run is off unless given', () => {
    expect(parseCommand(['redrive', 'a.dlq', '--offsets', '0:3-7,1:2'])).toEqual({
      kind: 'redrive',
      topic: 'a.dlq',
      dryRun: false,
      selection: {
        kind: 'ranges',
        ranges: [
          { partition: 0, from: 3, to: 7 },
          { partition: 1, from: 2, to: 2 },
        ],
      },
    });
    expect(parseCommand(['redrive', 'a.dlq', '--all', '--dry-run'])).toEqual({
      kind: 'redrive',
      topic: 'a.dlq',
      dryRun: true,
      selection: { kind: 'all' },
    });
    expect(failure(['redrive', 'a.dlq']).message).toMatch(/exactly one of --offsets <ranges> or --all/);
    expect(failure(['redrive', 'a.dlq', '--all', '--offsets', '1']).code).toBe('USAGE');
    expect(failure(['redrive', 'a.dlq', '--offsets', '7-3']).message).toMatch(/ends before it starts/);
  });

  it('only reads and writes topics whose name ends in .dlq', () => {
    expect(failure(['redrive', 'product_update', '--all'])).toMatchObject({
      code: 'NOT_A_DLQ_TOPIC',
      exitCode: 2,
    });
    expect(failure(['list', '--topic', 'product_update']).code).toBe('NOT_A_DLQ_TOPIC');
  });

  it('names what is wrong: unknown command, unknown or misplaced option, extra words', () => {
    expect(failure([]).message).toMatch(/no command given/);
    expect(failure(['purge']).message).toMatch(/unknown command "purge"/);
    expect(failure(['list', '--force']).message).toMatch(/--force/);
    expect(failure(['show', 'a.dlq', '1', '--dry-run']).message).toMatch(/show does not take --dry-run/);
    expect(failure(['list', 'extra']).message).toMatch(/unexpected "extra"/);
    expect(failure(['list', '--topic']).code).toBe('USAGE');
  });

  it('answers --help and help with the usage', () => {
    expect(parseCommand(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommand(['help'])).toEqual({ kind: 'help' });
    expect(parseCommand(['redrive', '-h'])).toEqual({ kind: 'help' });
  });
});
