import type { DeadLetterView } from '../dead-letter.js';
import { formatTable, truncate } from './table.js';

export const listColumns = [
  'OFFSET',
  'KEY',
  'CODE',
  'ERROR',
  'ORIGIN',
  'ATTEMPTS',
  'FAILED AT',
  'MESSAGE ID',
] as const;

/** Long enough to tell errors apart, short enough to keep a row on a wide terminal line. */
export const errorWidth = 48;

const origin = (view: DeadLetterView) =>
  view.originalTopic === undefined
    ? undefined
    : `${view.originalTopic}/${view.originalPartition ?? '?'}/${view.originalOffset ?? '?'}`;

/** One DLQ topic: a heading with the count, then the table (OFFSET is `partition:offset`). */
export function formatDeadLetterList(topic: string, views: readonly DeadLetterView[]): string {
  if (views.length === 0) return `${topic}: no dead letters`;
  const heading = `${topic}: ${views.length} dead letter${views.length === 1 ? '' : 's'}`;
  const rows = views.map((view) => [
    `${view.partition}:${view.offset}`,
    view.key,
    view.errorCode,
    view.error === undefined ? undefined : truncate(view.error, errorWidth),
    origin(view),
    view.attempts,
    view.failedAt,
    view.messageId,
  ]);
  return `${heading}\n${formatTable(listColumns, rows)}`;
}
