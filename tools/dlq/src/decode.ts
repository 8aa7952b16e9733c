import { commandTopics, decodeMessage, eventTopics, type KafkaMessageName } from '@cqrs-products/contracts';

const messageNames: Readonly<Record<string, KafkaMessageName>> = {
  [commandTopics.create]: 'ProductCreate',
  [commandTopics.update]: 'ProductUpdate',
  [commandTopics.delete]: 'ProductDelete',
  [eventTopics.created]: 'ProductCreated',
  [eventTopics.updated]: 'ProductUpdated',
  [eventTopics.deleted]: 'ProductDeleted',
};

/**
 * The protobuf type a topic carries, by its unprefixed name. Matched by suffix because the prefix
 * of the deployment that wrote the dead letter need not be the one configured here; no topic
 * name is a suffix of another (`product_create` vs `product_created`).
 */
export function messageTypeOf(topic: string): KafkaMessageName | undefined {
  const base = Object.keys(messageNames).find((name) => topic.endsWith(name));
  return base === undefined ? undefined : messageNames[base];
}

export type DecodedValue =
  | { readonly kind: 'decoded'; readonly type: KafkaMessageName; readonly value: unknown }
  | {
      readonly kind: 'undecodable';
      readonly type: KafkaMessageName | undefined;
      readonly reason: string;
      readonly hex: string;
      readonly base64: string;
    };

/** Decodes what it can; anything else is returned as bytes with the reason, never thrown. */
export function decodeValue(originalTopic: string | undefined, value: Buffer | null): DecodedValue {
  const bytes = value ?? Buffer.alloc(0);
  const type = originalTopic === undefined ? undefined : messageTypeOf(originalTopic);
  const raw = (reason: string): DecodedValue => ({
    kind: 'undecodable',
    type,
    reason,
    hex: bytes.toString('hex'),
    base64: bytes.toString('base64'),
  });
  if (!type) return raw(`no protobuf type is known for topic ${originalTopic ?? '(no original topic)'}`);
  try {
    return { kind: 'decoded', type, value: decodeMessage(type, bytes) };
  } catch (error) {
    return raw(`not a valid ${type}: ${(error as Error).message}`);
  }
}
