import type { ProductTopics } from '@cqrs-products/contracts';
import { isAppError } from '@cqrs-products/errors';
import {
  type ConsumerRunner,
  type HandleBatch,
  type Kafka,
  type KafkaLog,
  type MessageVerdict,
  type Producer,
  type RetryPolicy,
  startConsumer,
} from '@cqrs-products/kafka';
import type { KafkaMetrics } from '@cqrs-products/metrics';
import type { CommandEnvelope, CommandOutcome, HandleCommands } from '../product-command.handler.js';
import { originOf, toCommandEnvelope } from './command-message.js';

export interface ProductCommandsConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: ProductTopics['commands'];
  readonly handleCommands: HandleCommands;
  readonly deadLetterProducer: Producer;
  /** A cheap query that fails while PostgreSQL is down. */
  readonly databaseHealthy: () => Promise<boolean>;
  readonly log: KafkaLog;
  /** Partitions handled at once; each batch holds one PostgreSQL connection while it runs. */
  readonly concurrency: number;
  readonly retry?: RetryPolicy;
  readonly metrics?: KafkaMetrics;
}

/**
 * decode -> validate -> one transaction for the batch's valid commands -> one verdict each.
 * Poison (undecodable, invalid) is dead-lettered without touching the database; an update or
 * delete of an unknown product is parked by the handler (done: its partition keeps flowing).
 */
export function handleCommandBatch(topics: ProductTopics['commands'], handleCommands: HandleCommands) {
  const handle: HandleBatch = async (messages) => {
    const verdicts: MessageVerdict[] = messages.map(() => ({ kind: 'done' }));
    const valid: { readonly index: number; readonly envelope: CommandEnvelope }[] = [];
    messages.forEach((received, index) => {
      try {
        valid.push({
          index,
          envelope: { ...toCommandEnvelope(received, topics), origin: originOf(received) },
        });
      } catch (error) {
        // Poison is a final catalogue error; anything else is a bug and fails the batch.
        if (!isAppError(error) || error.retryable) throw error;
        verdicts[index] = { kind: 'dead-letter', error };
      }
    });
    const outcomes = await handleCommands(valid.map((v) => v.envelope));
    valid.forEach(({ index }, i) => {
      verdicts[index] = toVerdict(outcomes[i]);
    });
    return verdicts;
  };
  return handle;
}

/**
 * A rejection's catalogue entry says whether it can succeed later: one that cannot (the id is
 * taken) is dead-lettered with its code; one that can fails the batch, which the runner then waits
 * out (its classifier reads `retryable`).
 */
function toVerdict(outcome: CommandOutcome | undefined): MessageVerdict {
  if (!outcome) throw new Error('the command handler returned fewer outcomes than commands');
  if (outcome.kind !== 'rejected') return { kind: 'done' };
  if (outcome.error.retryable) throw outcome.error;
  return { kind: 'dead-letter', error: outcome.error };
}

export function startProductCommandsConsumer(
  options: ProductCommandsConsumerOptions,
): Promise<ConsumerRunner> {
  return startConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: Object.values(options.topics),
    handleBatch: handleCommandBatch(options.topics, options.handleCommands),
    deadLetterProducer: options.deadLetterProducer,
    log: options.log,
    // No classifier of its own: a PostgreSQL outage arrives named DEPENDENCY_UNAVAILABLE
    // (postgres/db.ts), a rejection and poison as catalogue errors, and the runner's default
    // reads their `retryable`.
    dependenciesHealthy: options.databaseHealthy,
    retry: options.retry ?? commandRetryPolicy,
    ...(options.metrics && { metrics: options.metrics }),
    // Several partitions at once: a slow transaction on one does not hold up the others.
    partitionsConsumedConcurrently: options.concurrency,
  });
}

/**
 * For a batch that failed other than by an outage, retried one message at a time: a few attempts
 * in place, then paused rounds, then the DLQ. Not-found no longer needs rounds (it is parked), so
 * only a failure that repeats (a bug, a constraint) uses them.
 */
export const commandRetryPolicy: RetryPolicy = {
  attempts: 3,
  backoff: { initialMs: 50, maxMs: 500 },
  pause: { initialMs: 500, maxMs: 30_000 },
  pauseRounds: 2,
};
