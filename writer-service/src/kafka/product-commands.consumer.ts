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
}

/** decode -> validate -> handle (one transaction) -> commit; poison goes to `<topic>.dlq`. */
export function handleCommandMessage(topics: ProductTopics['commands'], handleCommand: HandleCommand) {
  return async (received: ReceivedMessage): Promise<void> => {
    const envelope = toCommandEnvelope(received, topics);
    try {
      await handleCommand(envelope);
    } catch (error) {
      // A rejected command (unknown product, id taken) is rejected again on every delivery.
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
    ...(options.retry && { retry: options.retry }),
  });
}
