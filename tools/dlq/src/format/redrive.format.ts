import { headerNames } from '@cqrs-products/contracts';
import { headerText, type RedriveMessage } from '../dead-letter.js';
import { formatTable } from './table.js';

/** Where a redriven message landed; undefined on a dry run (nothing was sent). */
export interface RedriveResult {
  readonly message: RedriveMessage;
  readonly sentTo?: { readonly partition: number; readonly offset: string };
}

export function formatRedrive(dlqTopic: string, results: readonly RedriveResult[], dryRun: boolean): string {
  const count = `${results.length} dead letter${results.length === 1 ? '' : 's'}`;
  const target = results[0]?.message.topic ?? dlqTopic.slice(0, -'.dlq'.length);
  const heading = dryRun
    ? `dry run: ${count} of ${dlqTopic} would be sent to ${target}; nothing was sent`
    : `redrive: ${count} of ${dlqTopic} sent to ${target}`;
  if (results.length === 0) return heading;
  const rows = results.map(({ message, sentTo }) => [
    `${message.source.partition}:${message.source.offset}`,
    message.key?.toString(),
    headerText(message.headers, headerNames.messageId),
    sentTo ? `${message.topic}/${sentTo.partition}/${sentTo.offset}` : `${message.topic} (not sent)`,
  ]);
  return `${heading}\n${formatTable(['DEAD LETTER', 'KEY', 'MESSAGE ID', 'SENT TO'], rows)}`;
}
