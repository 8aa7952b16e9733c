import type { ProductTopics } from '@cqrs-products/contracts';
import { isAppError } from '@cqrs-products/errors';
import {
  type ConsumerRunner,
  classifyFailure,
  type FailureKind,
  type Kafka,
  type KafkaLog,
  PoisonMessageError,
  type Producer,
  type ReceivedMessage,
  type RetryPolicy,
  startConsumer,
} from '@cqrs-products/kafka';
import type { KafkaMetrics } from '@cqrs-products/metrics';
import { isConnectionError } from '../postgres/db.js';
import type { HandleCommand } from '../product-command.handler.js';
import { toCommandEnvelope } from './command-message.js';

export interface ProductCommandsConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: ProductTopics['commands'];
  readonly handleCommand: HandleCommand;
  readonly deadLetterProducer: Producer;
  /** A cheap query that fails while PostgreSQL is down. */
  readonly databaseHealthy: () => Promise<boolean>;
  readonly log: KafkaLog;
  readonly retry?: RetryPolicy;
  readonly metrics?: KafkaMetrics;
}

/** decode -> validate -> handle (one transaction) -> commit; poison goes to `<topic>.dlq`. */
export function handleCommandMessage(topics: ProductTopics['commands'], handleCommand: HandleCommand) {
  return async (received: ReceivedMessage): Promise<void> => {
    const envelope = toCommandEnvelope(received, topics);
    try {
      await handleCommand(envelope);
    } catch (error) {
      // Commands of one product travel on three topics, so Kafka does not order a create before
      // the update that follows it: an update can arrive while its create is still on its way.
      // "Not found" is therefore retried a bounded number of times (the runner's policy) before
      // the command is dead-lettered; other rejections (id taken) repeat on every delivery.
      if (isAppError(error) && error.code === 'PRODUCT_NOT_FOUND') throw error;
      if (isAppError(error)) throw new PoisonMessageError(error.message, error.code, { cause: error });
      throw error;
    }
  };
}

/** Database outages are waited out (partition paused), never dead-lettered. */
export function classifyCommandFailure(error: unknown): FailureKind {
  return isConnectionError(error) ? 'transient' : classifyFailure(error);
}

export function startProductCommandsConsumer(
  options: ProductCommandsConsumerOptions,
): Promise<ConsumerRunner> {
  return startConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: Object.values(options.topics),
    handle: handleCommandMessage(options.topics, options.handleCommand),
    deadLetterProducer: options.deadLetterProducer,
    log: options.log,
    classify: classifyCommandFailure,
    dependenciesHealthy: options.databaseHealthy,
    retry: options.retry ?? commandRetryPolicy,
    ...(options.metrics && { metrics: options.metrics }),
    // Several partitions at once: a slow transaction on one does not hold up the others.
    // Bounded by the pool: each handler holds one connection.
    partitionsConsumedConcurrently: 4,
  });
}

/**
 * Enough paused rounds (about 4 to 8 s in all) for a create to overtake the update that was sent
 * after it on another topic; then the update is dead-lettered as "not found".
 */
export const commandRetryPolicy: RetryPolicy = {
  attempts: 3,
  backoff: { initialMs: 50, maxMs: 500 },
  pause: { initialMs: 500, maxMs: 30_000 },
  pauseRounds: 4,
};
