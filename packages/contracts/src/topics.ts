/** Kafka topic names, as in the Go original. Commands are imperative, events past tense. */
export const commandTopics = {
  create: 'product_create',
  update: 'product_update',
  delete: 'product_delete',
} as const;

export const eventTopics = {
  created: 'product_created',
  updated: 'product_updated',
  deleted: 'product_deleted',
} as const;

export type CommandTopic = (typeof commandTopics)[keyof typeof commandTopics];
export type EventTopic = (typeof eventTopics)[keyof typeof eventTopics];

/** Where messages that cannot be processed go after bounded retries. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

/** Header names carried on every message we produce. */
export const headerNames = {
  messageId: 'message-id',
  contentType: 'content-type',
  messageType: 'message-type',
} as const;

export const protobufContentType = 'application/x-protobuf';
