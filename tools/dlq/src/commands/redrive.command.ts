import { redriveMessage } from '../dead-letter.js';
import { dlqErrors } from '../errors.js';
import { formatRedrive, type RedriveResult } from '../format/redrive.format.js';
import { readRecords } from '../kafka/records.reader.js';
import { sendRedrives } from '../kafka/redrive.producer.js';
import { partitionOffsets, requireTopic } from '../kafka/topics.js';
import { planSelection, type Selection } from '../selection.js';
import type { CommandContext } from './context.js';

export interface RedriveRequest {
  readonly topic: string;
  readonly selection: Selection;
  readonly dryRun: boolean;
}

/**
 * Stateless by offset range: no consumer group remembers what was redriven, the operator says
 * which records (from `list`) each time. Redriving a record twice is safe because the message id
 * travels with it; keeping a DLQ position instead would silently skip a record that was read but
 * not yet fixed. Every selected record is checked before the first is sent.
 */
export async function redriveDeadLetters(context: CommandContext, request: RedriveRequest): Promise<void> {
  const { kafka, admin, print, now } = context;
  const { topic, selection, dryRun } = request;
  await requireTopic(admin, topic);
  const partitions = planSelection(topic, selection, await partitionOffsets(admin, topic));
  const records = await readRecords(kafka, admin, [{ topic, partitions }]);
  if (records.length === 0) throw dlqErrors.OFFSET_NOT_FOUND(`${topic} holds no dead letters to redrive`);
  const sentAt = now();
  const messages = records.map((record) => redriveMessage(record, sentAt));
  if (dryRun) {
    print(
      formatRedrive(
        topic,
        messages.map((message) => ({ message })),
        true,
      ),
    );
    return;
  }
  const sent: RedriveResult[] = [];
  try {
    await sendRedrives(kafka, messages, (result) => sent.push(result));
  } finally {
    // Also after a failure: what was acked is in the topic, and the operator must know up to where.
    if (sent.length < messages.length) print(`redrive stopped after ${sent.length} of ${messages.length}`);
    print(formatRedrive(topic, sent, false));
  }
}
