import { parseArgs } from 'node:util';
import { dlqErrors } from './errors.js';
import { type OffsetRange, parseOffsetRanges, type Selection } from './selection.js';

/** Which DLQ topics `list` reads. */
export type TopicChoice =
  | { readonly kind: 'known'; readonly prefix?: string }
  | { readonly kind: 'all'; readonly prefix?: string }
  | { readonly kind: 'topic'; readonly topic: string };

export type DlqCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'list'; readonly topics: TopicChoice }
  | { readonly kind: 'show'; readonly topic: string; readonly offset: OffsetRange }
  | {
      readonly kind: 'redrive';
      readonly topic: string;
      readonly selection: Selection;
      readonly dryRun: boolean;
    };

export const usage = `Usage: npm run dlq -- <command> [options]

  list [--topic <dlq topic> | --all] [--prefix <prefix>]
      A table of dead letters per DLQ topic. Default: the DLQs of the six product topics
      (<prefix>product_*.dlq); --topic: one topic; --all: every topic ending in .dlq that starts
      with the prefix. The prefix defaults to KAFKA_TOPIC_PREFIX.
  show <dlq topic> <[partition:]offset>
      One dead letter: headers, and the value decoded with the type of its original topic.
  redrive <dlq topic> (--offsets <ranges> | --all) [--dry-run]
      Sends the selected dead letters back to their original topic: same key, value and headers
      (message-id kept, so a command already applied changes nothing), dlq-* headers replaced by a
      dlq-redriven-* trail. Ranges: 0:3-7,1:12 (partition:from-to; the partition may be left out on
      a one-partition topic). --dry-run prints what would be sent and sends nothing.

Offsets are per partition: list shows them as partition:offset.
Environment: KAFKA_BROKERS (default 127.0.0.1:9092), KAFKA_TOPIC_PREFIX (default empty).`;

const options = {
  topic: { type: 'string' },
  all: { type: 'boolean' },
  prefix: { type: 'string' },
  offsets: { type: 'string' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
type OptionName = keyof typeof options;

/** Pure: the command line to a command, or a USAGE error that says what is wrong. */
export function parseCommand(argv: readonly string[]): DlqCommand {
  const { values, positionals } = parseStrict(argv);
  const [name, ...rest] = positionals;
  if (values.help || name === 'help') return { kind: 'help' };
  switch (name) {
    case 'list':
      onlyOptions('list', values, ['topic', 'all', 'prefix']);
      noMorePositionals('list', rest, 0);
      return { kind: 'list', topics: topicChoice(values) };
    case 'show': {
      onlyOptions('show', values, []);
      noMorePositionals('show', rest, 2);
      const [topic, offset] = rest;
      if (topic === undefined || offset === undefined)
        throw dlqErrors.USAGE('show needs <dlq topic> <[partition:]offset>');
      const ranges = parseOffsetRanges(offset);
      const [only] = ranges;
      if (!only || ranges.length > 1 || only.from !== only.to)
        throw dlqErrors.USAGE(`show takes one offset, not "${offset}"`);
      return { kind: 'show', topic: dlqTopicName(topic), offset: only };
    }
    case 'redrive': {
      onlyOptions('redrive', values, ['offsets', 'all', 'dry-run']);
      noMorePositionals('redrive', rest, 1);
      const [topic] = rest;
      if (topic === undefined) throw dlqErrors.USAGE('redrive needs <dlq topic>');
      // Exactly one of the two: a redrive of "everything" must be asked for, never a default.
      if ((values.offsets === undefined) === (values.all !== true))
        throw dlqErrors.USAGE('redrive needs exactly one of --offsets <ranges> or --all');
      const selection: Selection =
        values.offsets === undefined
          ? { kind: 'all' }
          : { kind: 'ranges', ranges: parseOffsetRanges(values.offsets) };
      return { kind: 'redrive', topic: dlqTopicName(topic), selection, dryRun: values['dry-run'] === true };
    }
    case undefined:
      throw dlqErrors.USAGE('no command given (list, show or redrive)');
    default:
      throw dlqErrors.USAGE(`unknown command "${name}" (list, show or redrive)`);
  }
}

type Values = ReturnType<typeof parseStrict>['values'];

function parseStrict(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util reports unknown options and missing values with a readable message of its own.
    throw dlqErrors.USAGE((error as Error).message, { cause: error });
  }
}

function topicChoice(values: Values): TopicChoice {
  const prefix = values.prefix === undefined ? {} : { prefix: values.prefix };
  if (values.topic !== undefined) {
    if (values.all || values.prefix !== undefined)
      throw dlqErrors.USAGE('--topic names one topic in full; it goes with neither --all nor --prefix');
    return { kind: 'topic', topic: dlqTopicName(values.topic) };
  }
  return { kind: values.all ? 'all' : 'known', ...prefix };
}

function onlyOptions(command: string, values: Values, allowed: readonly OptionName[]): void {
  const given = (Object.keys(values) as OptionName[]).filter((name) => values[name] !== undefined);
  const extra = given.filter((name) => !allowed.includes(name));
  if (extra.length > 0)
    throw dlqErrors.USAGE(`${command} does not take ${extra.map((name) => `--${name}`).join(', ')}`);
}

function noMorePositionals(command: string, rest: readonly string[], max: number): void {
  if (rest.length > max) throw dlqErrors.USAGE(`${command}: unexpected "${rest.slice(max).join(' ')}"`);
}

/** Only `.dlq` topics: a redrive reads one of these and writes to the topic its name comes from. */
function dlqTopicName(topic: string): string {
  if (!topic.endsWith('.dlq') || topic === '.dlq')
    throw dlqErrors.NOT_A_DLQ_TOPIC(`"${topic}" does not end in .dlq`);
  return topic;
}
