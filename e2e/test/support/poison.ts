import { randomBytes, randomUUID } from 'node:crypto';
import { encodeMessage, headerNames, type KafkaMessageName, productTopics } from '@cqrs-products/contracts';
import { collectMessages, type Stack, until, untilCollectedToEnd } from '@cqrs-products/testing';
import type { Kafka } from 'kafkajs';
import { deadLetterTopics } from './pipeline-state.js';

/** Marks our poison messages; the dead-letter record keeps the original headers. */
const poisonHeader = 'fault-test-poison-id';

export interface Poison {
  readonly id: string;
  readonly topic: string;
  readonly why: string;
}

const timestamp = { seconds: Math.floor(Date.now() / 1000), nanos: 0 };
const validProduct = (ProductID: string) => ({
  ProductID,
  Name: 'Poison lamp',
  Description: 'never applied',
  Price: 1,
  CreatedAt: timestamp,
  UpdatedAt: timestamp,
  Version: 1,
});

interface Recipe {
  readonly topic: string;
  readonly why: string;
  /** The message key, the value bytes, and whether it carries a message id. */
  readonly make: () => { key: string; value: Buffer; type?: KafkaMessageName; messageId?: boolean };
}

/**
 * One of each kind of message the consumers must dead-letter rather than apply or retry forever:
 * bytes that are no protobuf, protobuf with invalid fields, a command without a usable id, a key
 * that does not match the product, and an update of a product that never existed (this one only
 * after the writer's bounded rounds of "not found" retries).
 */
export function poisonRecipes(stack: Stack): Recipe[] {
  const { commands, events } = productTopics(stack.topicPrefix);
  const id = () => randomUUID();
  const garbage = (topic: string): Recipe => ({
    topic,
    why: 'garbage bytes',
    make: () => ({ key: id(), value: Buffer.concat([Buffer.from([0xff, 0xff, 0xff]), randomBytes(29)]) }),
  });
  return [
    ...Object.values(commands).map(garbage),
    ...Object.values(events).map(garbage),
    {
      topic: commands.create,
      why: 'ProductCreate with a negative price and an empty name',
      make: () => {
        const ProductID = id();
        const value = encodeMessage('ProductCreate', { ProductID, Name: '', Description: 'x', Price: -5 });
        return { key: ProductID, value, type: 'ProductCreate' };
      },
    },
    {
      topic: commands.create,
      why: 'ProductCreate whose ProductID is not a UUID',
      make: () => {
        const value = encodeMessage('ProductCreate', {
          ProductID: 'not-a-uuid',
          Name: 'a',
          Description: 'b',
          Price: 1,
        });
        return { key: 'not-a-uuid', value, type: 'ProductCreate' };
      },
    },
    {
      topic: commands.update,
      why: 'ProductUpdate filed under another product key',
      make: () => {
        const value = encodeMessage('ProductUpdate', {
          ProductID: id(),
          Name: 'a',
          Description: 'b',
          Price: 1,
        });
        return { key: id(), value, type: 'ProductUpdate' };
      },
    },
    {
      topic: commands.delete,
      why: 'ProductDelete without a message id',
      make: () => {
        const ProductID = id();
        return { key: ProductID, value: encodeMessage('ProductDelete', { ProductID }), messageId: false };
      },
    },
    {
      topic: commands.update,
      why: 'ProductUpdate of a product that never existed',
      make: () => {
        const ProductID = id();
        const value = encodeMessage('ProductUpdate', { ProductID, Name: 'a', Description: 'b', Price: 1 });
        return { key: ProductID, value, type: 'ProductUpdate' };
      },
    },
    {
      topic: events.created,
      why: 'ProductCreated whose ProductID is not a UUID',
      make: () => ({
        key: 'not-a-uuid',
        value: encodeMessage('ProductCreated', { Product: validProduct('not-a-uuid') }),
        type: 'ProductCreated',
      }),
    },
    {
      topic: events.updated,
      why: 'ProductUpdated with version 0 and no timestamps',
      make: () => {
        const ProductID = id();
        const { CreatedAt: _c, UpdatedAt: _u, ...product } = validProduct(ProductID);
        const value = encodeMessage('ProductUpdated', { Product: { ...product, Version: 0 } });
        return { key: ProductID, value, type: 'ProductUpdated' };
      },
    },
    {
      topic: events.deleted,
      why: 'ProductDeleted without a product',
      make: () => ({
        key: id(),
        value: encodeMessage('ProductDeleted', { Version: 3 }),
        type: 'ProductDeleted',
      }),
    },
  ];
}

/** Sends each recipe once with a plain kafkajs producer, as a misbehaving client would. */
export async function injectPoison(kafka: Kafka, recipes: readonly Recipe[]): Promise<Poison[]> {
  const producer = kafka.producer();
  await producer.connect();
  try {
    const sent: Poison[] = [];
    for (const recipe of recipes) {
      const poisonId = randomUUID();
      const { key, value, type, messageId = true } = recipe.make();
      await producer.send({
        topic: recipe.topic,
        acks: -1,
        messages: [
          {
            key,
            value,
            headers: {
              [poisonHeader]: poisonId,
              ...(messageId && { [headerNames.messageId]: randomUUID() }),
              ...(type && { [headerNames.messageType]: type }),
            },
          },
        ],
      });
      sent.push({ id: poisonId, topic: recipe.topic, why: recipe.why });
    }
    return sent;
  } finally {
    await producer.disconnect();
  }
}

export interface DeadLetterRecord {
  readonly poisonId: string | undefined;
  readonly dlqTopic: string;
  readonly originalTopic: string | undefined;
  readonly errorCode: string | undefined;
}

/**
 * Reads every record on the stack's dead-letter topics (they are small: a handful of messages):
 * waits until `expected` arrived and the collector holds all the topics hold, so a record too many
 * is seen as well; fails if `expected` never arrive.
 */
export async function readDeadLetters(
  kafka: Kafka,
  stack: Stack,
  expected: number,
): Promise<DeadLetterRecord[]> {
  const topics = deadLetterTopics(stack);
  const collector = await collectMessages(kafka, topics, { groupPrefix: `${stack.topicPrefix}dlq_reader` });
  try {
    await until(() => collector.messages.length >= expected, {
      what: `${expected} dead letters`,
      timeoutMs: 30_000,
    });
    await untilCollectedToEnd(kafka, collector.messages, topics);
    return collector.messages.map(({ topic, headers }) => ({
      poisonId: headers[poisonHeader],
      dlqTopic: topic,
      originalTopic: headers['dlq-original-topic'],
      errorCode: headers['dlq-error-code'],
    }));
  } finally {
    await collector.stop();
  }
}
