import {
  type ProductCommand,
  type ProductFields,
  productCommandMessage,
  productTopics,
} from '@cqrs-products/contracts';
import type { Producer } from '@cqrs-products/kafka';
import type { CommandBatching } from './command-batching.js';
import { createCommandPublisher } from './command-publisher.js';
import type { CommandPublisherMetrics } from './command-publisher.metrics.js';

/** Publishes product commands; each resolves with the command's message id once Kafka acked it. */
export interface ProductCommands {
  create(productId: string, fields: ProductFields, headers?: Record<string, string>): Promise<string>;
  update(productId: string, fields: ProductFields, headers?: Record<string, string>): Promise<string>;
  delete(productId: string, headers?: Record<string, string>): Promise<string>;
}

export interface ProductCommandPublisher extends ProductCommands {
  /** Sends the commands still queued (new ones are refused), then resolves. */
  stop(): Promise<void>;
}

export interface ProductCommandsOptions {
  readonly batching?: CommandBatching;
  readonly metrics?: CommandPublisherMetrics;
}

/**
 * Commands are keyed by productId so that every change of one product lands on one partition, in
 * order; the batching publisher keeps that order (one produce request in flight, FIFO).
 */
export function productCommands(
  producer: Producer,
  topicPrefix: string,
  options: ProductCommandsOptions = {},
): ProductCommandPublisher {
  const { commands } = productTopics(topicPrefix);
  const publisher = createCommandPublisher(producer, options.batching, options.metrics);
  const publish = (command: ProductCommand, headers?: Record<string, string>) =>
    publisher.publish({ ...productCommandMessage(command, commands), headers });
  return {
    create: (productId, fields, headers) => publish({ kind: 'create', productId, ...fields }, headers),
    update: (productId, fields, headers) => publish({ kind: 'update', productId, ...fields }, headers),
    delete: (productId, headers) => publish({ kind: 'delete', productId }, headers),
    stop: () => publisher.stop(),
  };
}
