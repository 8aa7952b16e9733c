import { type EventKind, headerNames, type ProductTopics } from '@cqrs-products/contracts';
import { isAppError } from '@cqrs-products/errors';
import {
  type ConsumerRunner,
  type Kafka,
  type KafkaLog,
  type MessageVerdict,
  type Producer,
  type ReceivedMessage,
  type RetryPolicy,
  startConsumer,
} from '@cqrs-products/kafka';
import type { KafkaMetrics } from '@cqrs-products/metrics';
import { eventVersion, type ProductEvent } from '../domain/product.js';
import { changedAt, type ProjectionMetrics } from '../metrics.js';
import type { Projection } from '../projection.js';
import type { CommandEffect } from '../redis/command-tokens.js';
import { parseProductEvent } from './product-event.parser.js';

export interface ProductEventsConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: ProductTopics['events'];
  readonly projection: Projection;
  readonly deadLetterProducer: Producer;
  readonly log: KafkaLog;
  /** Resolves true while MongoDB answers: failures during an outage wait instead of dead-lettering. */
  readonly storesHealthy: () => Promise<boolean>;
  readonly retry?: RetryPolicy;
  /** Messages handled as one batch at most (one MongoDB insert, or one delete and one insert). */
  readonly maxBatchSize?: number;
  readonly metrics?: { readonly kafka: KafkaMetrics; readonly projection: ProjectionMetrics };
}

export interface DecodedBatch {
  /** The batch's valid events, in offset order. */
  readonly events: ProductEvent[];
  /** The commands behind its updates and deletes (read-your-writes tokens). */
  readonly effects: CommandEffect[];
  /** One per message: done, or dead-letter for a message that can never become an event. */
  readonly verdicts: MessageVerdict[];
}

const done: MessageVerdict = { kind: 'done' };

/** Poison messages get a dead-letter verdict of their own; their neighbours are projected. */
export function decodeBatch(kind: EventKind, messages: readonly ReceivedMessage[]): DecodedBatch {
  const events: ProductEvent[] = [];
  const effects: CommandEffect[] = [];
  const verdicts = messages.map(({ message }): MessageVerdict => {
    try {
      const event = parseProductEvent(kind, message.value);
      events.push(event);
      const effect = commandEffect(event, message.headers?.[headerNames.commandId]);
      if (effect) effects.push(effect);
      return done;
    } catch (error) {
      // Poison is a final catalogue error; anything else is a bug and fails the batch.
      if (isAppError(error) && !error.retryable) return { kind: 'dead-letter', error };
      throw error;
    }
  });
  return { events, effects, verdicts };
}

/** Creates need no token (they always produce version 1); a malformed header is ignored. */
function commandEffect(event: ProductEvent, header: unknown): CommandEffect | undefined {
  const commandId = Buffer.isBuffer(header) || typeof header === 'string' ? header.toString() : '';
  if (event.type === 'ProductCreated' || !uuid.test(commandId)) return undefined;
  const productId = event.type === 'ProductDeleted' ? event.productId : event.product.productId;
  return { commandId: commandId.toLowerCase(), productId, version: eventVersion(event) };
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * product_created|updated|deleted -> decode and validate a batch -> project it -> commit.
 * The runner commits a batch's offset only after it is projected (or found stale) and its poison
 * messages are dead-lettered; a MongoDB outage pauses the partition instead, and any other failure
 * makes the runner retry the batch a message at a time, so only the culprit is dead-lettered.
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
    // No classifier of its own: the stores' adapters name an outage (DEPENDENCY_UNAVAILABLE,
    // mongo/mongo-failure.ts, postgres/search-database.ts), the parser names poison, and the
    // runner's default reads their `retryable`.
    dependenciesHealthy: options.storesHealthy,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.maxBatchSize ? { maxBatchSize: options.maxBatchSize } : {}),
    ...(options.metrics ? { metrics: options.metrics.kafka } : {}),
    handleBatch: async (messages) => {
      const topic = messages[0]?.topic ?? '';
      const kind = kindOfTopic.get(topic);
      if (!kind) throw new Error(`not subscribed to topic ${topic}`);
      const { events, effects, verdicts } = decodeBatch(kind, messages);
      await options.projection.applyAll(events, effects);
      const lag = options.metrics?.projection.lag;
      for (const event of events) lag?.observe({ topic }, (Date.now() - changedAt(event).getTime()) / 1000);
      return verdicts;
    },
  });
}
