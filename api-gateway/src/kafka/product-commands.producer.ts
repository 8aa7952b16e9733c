import { productTopics } from '@cqrs-products/contracts';
import { type Producer, sendMessage } from '@cqrs-products/kafka';

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

/** Commands are keyed by productId so that every change of one product lands on one partition, in order. */
export function productCommands(producer: Producer, topicPrefix: string): ProductCommands {
  const { commands } = productTopics(topicPrefix);
  const toValue = (ProductID: string, f: ProductFields) => ({
    ProductID,
    Name: f.name,
    Description: f.description,
    Price: f.price,
  });
  return {
    create: (id, fields, headers) =>
      sendMessage(producer, {
        topic: commands.create,
        type: 'ProductCreate',
        key: id,
        value: toValue(id, fields),
        headers,
      }),
    update: (id, fields, headers) =>
      sendMessage(producer, {
        topic: commands.update,
        type: 'ProductUpdate',
        key: id,
        value: toValue(id, fields),
        headers,
      }),
    delete: (id, headers) =>
      sendMessage(producer, {
        topic: commands.delete,
        type: 'ProductDelete',
        key: id,
        value: { ProductID: id },
        headers,
      }),
  };
}
