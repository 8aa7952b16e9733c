import { deadLetterHeaders } from '@cqrs-products/kafka';
import { headerText } from '../dead-letter.js';
import { decodeValue } from '../decode.js';
import { dlqErrors } from '../errors.js';
import { formatDeadLetter } from '../format/show.format.js';
import { readRecords } from '../kafka/records.reader.js';
import { partitionOffsets, requireTopic } from '../kafka/topics.js';
import { formatRange, type OffsetRange, planSelection } from '../selection.js';
import type { CommandContext } from './context.js';

export async function showDeadLetter(
  context: CommandContext,
  topic: string,
  offset: OffsetRange,
): Promise<void> {
  const { kafka, admin, print } = context;
  await requireTopic(admin, topic);
  const partitions = planSelection(
    topic,
    { kind: 'ranges', ranges: [offset] },
    await partitionOffsets(admin, topic),
  );
  const [record] = await readRecords(kafka, admin, [{ topic, partitions }]);
  // Inside the partition's range but not there: a gap (e.g. a transaction marker), not a record.
  if (!record) throw dlqErrors.OFFSET_NOT_FOUND(`${topic} ${formatRange(offset)}`);
  const originalTopic = headerText(record.headers, deadLetterHeaders.originalTopic);
  print(formatDeadLetter(record, decodeValue(originalTopic, record.value)));
}
