import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';

export interface ReceivedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

export interface ConsumerRunnerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Resolves when the message is fully handled; only then is its offset committed. */
  readonly handle: (received: ReceivedMessage) => Promise<void>;
  readonly fromBeginning?: boolean;
}

export interface ConsumerRunner {
  readonly consumer: Consumer;
  /** Stops fetching, lets the in-flight message finish, commits and leaves the group. */
  stop(): Promise<void>;
}

/**
 * Processes one message at a time per partition and commits its offset only after `handle`
 * resolved, so a crash re-delivers instead of skipping (at-least-once). When `handle` throws,
 * kafkajs seeks back to the message and retries it; retry policy and dead-lettering are the
 * handler's responsibility.
 */
export async function startConsumer(options: ConsumerRunnerOptions): Promise<ConsumerRunner> {
  const consumer = options.kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      await options.handle({ topic, partition, message });
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    },
  });
  return { consumer, stop: () => consumer.disconnect() };
}
