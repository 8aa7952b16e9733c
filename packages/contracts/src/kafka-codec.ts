import { join } from 'node:path';
import protobuf from 'protobufjs';
import type { ProductCreate, ProductCreate__Output } from './generated/kafkaMessages/ProductCreate.js';
import type { ProductCreated, ProductCreated__Output } from './generated/kafkaMessages/ProductCreated.js';
import type { ProductDelete, ProductDelete__Output } from './generated/kafkaMessages/ProductDelete.js';
import type { ProductDeleted, ProductDeleted__Output } from './generated/kafkaMessages/ProductDeleted.js';
import type { ProductUpdate, ProductUpdate__Output } from './generated/kafkaMessages/ProductUpdate.js';
import type { ProductUpdated, ProductUpdated__Output } from './generated/kafkaMessages/ProductUpdated.js';
import { protoDir } from './proto.js';

/** Every message that travels on Kafka: what producers may pass in, what consumers get out. */
export interface KafkaMessages {
  ProductCreate: [ProductCreate, ProductCreate__Output];
  ProductUpdate: [ProductUpdate, ProductUpdate__Output];
  ProductDelete: [ProductDelete, ProductDelete__Output];
  ProductCreated: [ProductCreated, ProductCreated__Output];
  ProductUpdated: [ProductUpdated, ProductUpdated__Output];
  ProductDeleted: [ProductDeleted, ProductDeleted__Output];
}
export type KafkaMessageName = keyof KafkaMessages;

// keepCase so field names match the generated types; parsed once, types looked up lazily.
const root = new protobuf.Root().loadSync(join(protoDir, 'kafka.proto'), { keepCase: true });

// Same conversion as protoLoaderOptions, so decoded values match the *__Output types.
const toObjectOptions: protobuf.IConversionOptions = {
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

const messageType = (name: KafkaMessageName): protobuf.Type => root.lookupType(`kafkaMessages.${name}`);

export function encodeMessage<N extends KafkaMessageName>(name: N, value: KafkaMessages[N][0]): Buffer {
  const type = messageType(name);
  const invalid = type.verify(value);
  if (invalid) throw new TypeError(`cannot encode ${name}: ${invalid}`);
  return Buffer.from(type.encode(type.fromObject(value)).finish());
}

/** Throws when the bytes are not a valid encoding of the message (callers dead-letter those). */
export function decodeMessage<N extends KafkaMessageName>(name: N, bytes: Uint8Array): KafkaMessages[N][1] {
  const type = messageType(name);
  return type.toObject(type.decode(bytes), toObjectOptions) as KafkaMessages[N][1];
}
