import { defineErrors } from '@cqrs-products/errors';
import { gatewayErrors } from '../errors.js';

const errors = defineErrors(gatewayErrors);

/**
 * Publishing failed: Kafka did not acknowledge the command, so nothing will happen and the client
 * must retry (503). The producer's own bounded retries decide how long we try first.
 */
export function commandPublishFailed(error: unknown): never {
  throw errors.COMMAND_NOT_ACCEPTED(undefined, { cause: error });
}
