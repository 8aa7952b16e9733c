import {
  encodeProductMessage,
  type ProductCommand,
  type ProductTopics,
  productCommandMessage,
} from '@cqrs-products/contracts';
import { type Producer, prepareMessage, sendStoredMessages } from '@cqrs-products/kafka';
import { readerErrors } from '../errors.js';

/** Publishes a command for the writer; resolves with its message id once Kafka acknowledged it. */
export type ForwardCommand = (
  command: ProductCommand,
  headers?: Readonly<Record<string, string>>,
) => Promise<string>;

/**
 * The query side never writes its own model: a write request becomes the same Kafka command the
 * gateway publishes (one mapping, one encoding), so the writer decides it and the read model
 * follows from the writer's event like every other change. Sent one at a time: these RPCs are
 * rare, and the gateway's batching publisher is the path built for load.
 */
export function productCommandForwarder(
  producer: Producer,
  topics: ProductTopics['commands'],
): ForwardCommand {
  return async (command, headers) => {
    const message = encodeProductMessage({ ...productCommandMessage(command, topics), headers });
    try {
      await sendStoredMessages(producer, [prepareMessage(message)]);
    } catch (error) {
      throw readerErrors.DEPENDENCY_UNAVAILABLE('Kafka did not accept the command', { cause: error });
    }
    return message.messageId;
  };
}
