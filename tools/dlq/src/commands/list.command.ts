import type { TopicChoice } from '../args.js';
import { describeDeadLetter } from '../dead-letter.js';
import { formatDeadLetterList } from '../format/list.format.js';
import { readRecords } from '../kafka/records.reader.js';
import { chooseTopics, partitionOffsets } from '../kafka/topics.js';
import { planSelection } from '../selection.js';
import type { CommandContext } from './context.js';

/** A table per DLQ topic, read in one pass with one throwaway consumer for all of them. */
export async function listDeadLetters(context: CommandContext, choice: TopicChoice): Promise<void> {
  const { kafka, admin, config, print } = context;
  const topics = await chooseTopics(admin, choice, config.topicPrefix);
  if (topics.length === 0) {
    const prefix = choice.kind === 'topic' ? '' : (choice.prefix ?? config.topicPrefix);
    print(`no dead-letter topics found for prefix "${prefix}"`);
    return;
  }
  const plans = await Promise.all(
    topics.map(async (topic) => ({
      topic,
      partitions: planSelection(topic, { kind: 'all' }, await partitionOffsets(admin, topic)),
    })),
  );
  const records = await readRecords(kafka, admin, plans);
  const blocks = topics.map((topic) =>
    formatDeadLetterList(topic, records.filter((r) => r.topic === topic).map(describeDeadLetter)),
  );
  print(blocks.join('\n\n'));
}
