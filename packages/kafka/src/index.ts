export type { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
export { type BackoffPolicy, backoffDelay, sleep } from './backoff.js';
export { createKafka, type KafkaClientConfig, type KafkaLog } from './client.js';
export { startConsumer } from './consumer.js';
export {
  type BatchContext,
  type ConsumerRunner,
  type ConsumerRunnerOptions,
  defaultRetryPolicy,
  type HandleBatch,
  type MessageOutcome,
  type MessageVerdict,
  type ReceivedMessage,
  type RetryPolicy,
} from './consumer-types.js';
export { type DeadLetter, deadLetterHeaders, deadLetterTopic, sendToDeadLetter } from './dead-letter.js';
export { classifyFailure, type FailureKind, PoisonMessageError } from './failure.js';
export { fetchGroupLag, type PartitionLag } from './lag.js';
export type { ConsumerHealth } from './liveness.js';
export { createProducer, type OutgoingMessage, prepareMessage, sendMessage } from './producer.js';
export type { Producer } from './renewing-producer.js';
export { type StoredMessage, sendStoredMessages } from './stored-context.js';
export { consumerReadiness, superviseConsumer } from './supervise.js';
export {
  ensureTopics,
  isUnknownTopicOrPartition,
  pingKafka,
  prepareTopics,
  type ServiceTopics,
  type TopicSettings,
} from './topics.js';
