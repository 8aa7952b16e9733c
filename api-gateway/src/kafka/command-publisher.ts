import type { KafkaMessageName } from '@cqrs-products/contracts';
import {
  type OutgoingMessage,
  type Producer,
  prepareMessage,
  type StoredMessage,
  sendStoredMessages,
} from '@cqrs-products/kafka';
import { createBatcher } from './command-batcher.js';
import { type CommandBatching, defaultBatching } from './command-batching.js';
import type { CommandPublisherMetrics } from './command-publisher.metrics.js';

/** Publishes commands in batches; each resolves with its message id once Kafka acked its batch. */
export interface CommandPublisher {
  publish<N extends KafkaMessageName>(message: OutgoingMessage<N>): Promise<string>;
  /** Sends what is queued (refusing anything new), then resolves; call before the producer disconnects. */
  stop(): Promise<void>;
}

// The broker refuses a partition's records in one request beyond 1 MiB by default (message.max.bytes);
// staying under half of it for the whole request holds however the keys spread over partitions.
const maxBatchBytes = 512 * 1024;
// Per-record framing (offsets, lengths, timestamps, attributes), roughly, on top of its bytes.
const recordOverhead = 64;

const weigh = (message: StoredMessage): number => {
  let bytes = recordOverhead + message.value.length + Buffer.byteLength(message.key);
  for (const [name, value] of Object.entries(message.headers)) bytes += name.length + value.length;
  return bytes;
};

/**
 * Commands of concurrent requests share one produce request instead of queueing behind each
 * other's. Each message still continues its own caller's trace: `prepareMessage` puts the active
 * context into its headers now, and `sendStoredMessages` gives it its own producer span from there
 * when its batch is sent.
 */
export function createCommandPublisher(
  producer: Producer,
  batching: CommandBatching = defaultBatching,
  metrics?: CommandPublisherMetrics,
): CommandPublisher {
  const batcher = createBatcher<StoredMessage>({
    ...batching,
    maxBatchBytes,
    weigh,
    send: (batch) => sendStoredMessages(producer, batch),
    onBatch: (size) => metrics?.batchSize.observe(size),
    onQueued: (count) => metrics?.queued.set(count),
    onRefused: (reason) => metrics?.refused.inc({ reason }),
  });
  return {
    async publish(message) {
      const prepared = prepareMessage(message);
      await batcher.submit(prepared);
      return prepared.messageId;
    },
    stop: () => batcher.stop(),
  };
}
