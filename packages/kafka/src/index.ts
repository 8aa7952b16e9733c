export type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
export { createKafka, type KafkaClientConfig, type KafkaLog } from './client.js';
export {
  type ConsumerRunner,
  type ConsumerRunnerOptions,
  type ReceivedMessage,
  startConsumer,
} from './consumer.js';
export { createProducer, type OutgoingMessage, sendMessage } from './producer.js';
export { ensureTopics, pingKafka, type TopicSettings } from './topics.js';
