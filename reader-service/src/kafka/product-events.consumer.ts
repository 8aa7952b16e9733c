import type { EventKind, ProductTopics } from '@cqrs-products/contracts';
import {
  type ConsumerRunner,
  classifyFailure,
  type FailureKind,
  type Kafka,
  type KafkaLog,
  type Producer,
  type RetryPolicy,
  startConsumer,
} from '@cqrs-products/kafka';
import type { KafkaMetrics } from '@cqrs-products/metrics';
import { MongoError, MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError } from 'mongodb';
import { changedAt, type ProjectionMetrics } from '../metrics.js';
import type { ReadModel } from '../read-model.js';
import { parseProductEvent } from './product-event.parser.js';

export interface ProductEventsConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: ProductTopics['events'];
  readonly readModel: Pick<ReadModel, 'apply'>;
  readonly deadLetterProducer: Producer;
  readonly log: KafkaLog;
  /** Resolves true while MongoDB answers: failures during an outage wait instead of dead-lettering. */
  readonly mongoHealthy: () => Promise<boolean>;
  readonly retry?: RetryPolicy;
  readonly metrics?: { readonly kafka: KafkaMetrics; readonly projection: ProjectionMetrics };
}

/**
 * product_created|updated|deleted -> decode and validate -> apply to the read model -> commit.
 * Offsets are committed by the runner only after the event is applied (or found stale), or
 * dead-lettered when it is poison; a MongoDB outage pauses the partition instead.
 */
export function startProductEventsConsumer(options: ProductEventsConsumerOptions): Promise<ConsumerRunner> {
  const kindOfTopic = new Map(
    Object.entries(options.topics).map(([kind, topic]) => [topic, kind as EventKind] as const),
  );

  return startConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topics: Object.values(options.topics),
    deadLetterProducer: options.deadLetterProducer,
    log: options.log,
    classify: classifyMongoFailure,
    dependenciesHealthy: options.mongoHealthy,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.metrics ? { metrics: options.metrics.kafka } : {}),
    handle: async ({ topic, message }) => {
      const kind = kindOfTopic.get(topic);
      if (!kind) throw new Error(`not subscribed to topic ${topic}`);
      const event = parseProductEvent(kind, message.value);
      await options.readModel.apply(event);
      options.metrics?.projection.lag.observe({ topic }, (Date.now() - changedAt(event).getTime()) / 1000);
    },
  });
}

/** MongoDB being unreachable is the dependency's fault, not the event's: retry, never DLQ. */
export function classifyMongoFailure(error: unknown): FailureKind {
  if (
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNotConnectedError ||
    (error instanceof MongoError && error.hasErrorLabel('RetryableWriteError'))
  ) {
    return 'transient';
  }
  return classifyFailure(error);
}
