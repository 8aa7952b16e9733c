import type { KafkaMessages } from './kafka-codec.js';
import type { ProductTopics } from './topics.js';

/** What a client chooses about a product on create and update. */
export interface ProductFields {
  readonly name: string;
  readonly description: string;
  readonly price: number;
}

interface ProductCommandFields extends ProductFields {
  readonly productId: string;
}

/** A change a client asks for, whoever accepts it (the gateway's REST API, the reader's gRPC API). */
export type ProductCommand =
  | ({ readonly kind: 'create' } & ProductCommandFields)
  | ({ readonly kind: 'update' } & ProductCommandFields)
  | { readonly kind: 'delete'; readonly productId: string };

type CommandName = 'ProductCreate' | 'ProductUpdate' | 'ProductDelete';

/** What goes on Kafka for one command, before encoding and headers (packages/kafka adds those). */
export type ProductCommandMessage = {
  readonly [N in CommandName]: {
    readonly topic: string;
    readonly type: N;
    readonly key: string;
    readonly value: KafkaMessages[N][0];
  };
}[CommandName];

/**
 * The one mapping from a command to its Kafka message. Keyed by productId so that every change of
 * one product lands on one partition of its topic, in order.
 */
export function productCommandMessage(
  command: ProductCommand,
  topics: ProductTopics['commands'],
): ProductCommandMessage {
  const key = command.productId;
  if (command.kind === 'delete')
    return { topic: topics.delete, type: 'ProductDelete', key, value: { ProductID: key } };
  const value = {
    ProductID: key,
    Name: command.name,
    Description: command.description,
    Price: command.price,
  };
  return command.kind === 'create'
    ? { topic: topics.create, type: 'ProductCreate', key, value }
    : { topic: topics.update, type: 'ProductUpdate', key, value };
}
