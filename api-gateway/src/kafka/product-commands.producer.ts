import { productTopics } from '@cqrs-products/contracts';
import type { Producer } from '@cqrs-products/kafka';
import type { CommandBatching } from './command-batching.js';
import { createCommandPublisher } from './command-publisher.js';
import type { CommandPublisherMetrics } from './command-publisher.metrics.js';

export interface ProductFields {
  readonly name: string;
  readonly description: string;
  readonly price: number;
}

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
  const toValue = (ProductID: string, f: ProductFields) => ({
    ProductID,
    Name: f.name,
    Description: f.description,
    Price: f.price,
  });
  return {
    create: (id, fields, headers) =>
      publisher.publish({
        topic: commands.create,
        type: 'ProductCreate',
        key: id,
        value: toValue(id, fields),
        headers,
      }),
    update: (id, fields, headers) =>
      publisher.publish({
        topic: commands.update,
        type: 'ProductUpdate',
        key: id,
        value: toValue(id, fields),
        headers,
      }),
    delete: (id, headers) =>
      publisher.publish({
        topic: commands.delete,
        type: 'ProductDelete',
        key: id,
        value: { ProductID: id },
        headers,
      }),
    stop: () => publisher.stop(),
  };
}
