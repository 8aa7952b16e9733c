import type { FastifyReply } from 'fastify';
import { errors } from '../errors.js';
import { BatcherRefusedError } from '../kafka/command-batcher.js';

/**
 * A refused command waited for nothing, and the queue that refused it drains in milliseconds:
 * one second, the smallest the header can say, is enough for the client to find room.
 */
const retryAfterSeconds = 1;

/**
 * Publishing failed, nothing will happen and the client must retry (503):
 * - the publisher's queue was full, Kafka is known not to answer, or the gateway is stopping:
 *   refused at once, with Retry-After;
 * - Kafka did not acknowledge the command: the producer's own bounded retries decide how long we
 *   tried first.
 */
export function commandPublishFailed(reply: FastifyReply): (error: unknown) => never {
  return (error) => {
    if (error instanceof BatcherRefusedError) {
      reply.header('retry-after', String(retryAfterSeconds));
      if (error.reason === 'queue_full') throw errors.COMMAND_QUEUE_FULL(undefined, { cause: error });
      if (error.reason === 'unavailable')
        throw errors.COMMAND_NOT_ACCEPTED('Kafka is not answering', { cause: error });
      throw errors.COMMAND_NOT_ACCEPTED('the gateway is shutting down', { cause: error });
    }
    throw errors.COMMAND_NOT_ACCEPTED(undefined, { cause: error });
  };
}
