import { encodeProductMessage, type KafkaMessageName, type ProductMessage } from '@cqrs-products/contracts';
import { type Producer, prepareMessage, type StoredMessage, sendStoredMessages } from '@cqrs-products/kafka';
import { createBatcher } from './command-batcher.js';
import { type CommandBatching, defaultBatching } from './command-batching.js';
import type { CommandPublisherMetrics } from './command-publisher.metrics.js';
import { sendOutcomeUnknown } from './send-outcome.js';

/** Publishes commands in batches; each resolves with its message id once Kafka acked its batch. */
export interface CommandPublisher {
  publish<N extends KafkaMessageName>(message: ProductMessage<N>): Promise<string>;
  /** Sends what is queued (refusing anything new), then resolves; call before the producer disconnects. */
  stop(): Promise<void>;
}

// The broker refuses a partition's records in one request beyond 1 MiB by default (message.max.bytes);
// staying under half of it for the whole request holds however the keys spread over partitions.
const maxBatchBytes = 512 * 1024;
// Per-record framing (offsets, lengths, timestamps, attributes), roughly, on top of its bytes.
const recordOverhead = 64;
// A produce round trip takes milliseconds here, even at thousands of commands per second; one that
// has not been answered in a second means the broker is gone or stuck, and the commands queued
// behind it are better answered 503 now than after kafkajs has used up its retries.
const stalledAfterMs = 1_000;
// kafkajs's own retries already wait seconds between tries; this is only the pause between rounds.
const resendDelayMs = 500;

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
 *
 * A batch whose send failed may have been written (a broker that took the request and went away
 * before answering), so its callers are not told 503, "nothing was changed": the same batch is
 * sent again until Kafka acknowledges it, and a copy Kafka already held changes nothing (the
 * writer skips a command id it has processed; the resend goes out under a new producer id, see
 * renewing-producer.ts, so the broker cannot tell it from new messages). Meanwhile every other command is answered 503 at once, with Retry-After; none of
 * them was sent. That is for a broker that was answering: a failure with no ack heard since the
 * publisher started or since its last final failure (a broker never reached) cannot have been
 * written and is answered 503, as is a failure the broker itself answered, and any failure while
 * stopping (the process is going and its callers need an answer).
 */
export function createCommandPublisher(
  producer: Producer,
  batching: CommandBatching = defaultBatching,
  metrics?: CommandPublisherMetrics,
): CommandPublisher {
  let brokerAnswering = false;
  const batcher = createBatcher<StoredMessage>({
    ...batching,
    maxBatchBytes,
    weigh,
    send: async (batch) => {
      await sendStoredMessages(producer, batch);
      brokerAnswering = true;
    },
    stalledAfterMs,
    resendAfter: (error) => {
      brokerAnswering &&= sendOutcomeUnknown(error);
      return brokerAnswering;
    },
    resendDelayMs,
    onBatch: (size) => metrics?.batchSize.observe(size),
    onQueued: (count) => metrics?.queued.set(count),
    onRefused: (reason) => metrics?.refused.inc({ reason }),
    onResend: () => metrics?.resent.inc(),
  });
  return {
    async publish(message) {
      const encoded = encodeProductMessage(message);
      await batcher.submit(prepareMessage(encoded));
      return encoded.messageId;
    },
    stop: () => batcher.stop(),
  };
}
