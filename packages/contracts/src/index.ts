export type { ProductCreate__Output } from './generated/kafkaMessages/ProductCreate.js';
export type { ProductCreated__Output } from './generated/kafkaMessages/ProductCreated.js';
export type { ProductDelete__Output } from './generated/kafkaMessages/ProductDelete.js';
export type { ProductDeleted__Output } from './generated/kafkaMessages/ProductDeleted.js';
export type { ProductUpdate__Output } from './generated/kafkaMessages/ProductUpdate.js';
export type { ProductUpdated__Output } from './generated/kafkaMessages/ProductUpdated.js';
export type { ProtoGrpcType as ReaderProto } from './generated/reader.js';
export type { GetProductByIdRes__Output as GetProductByIdRes } from './generated/readerService/GetProductByIdRes.js';
export type { GetProductsByIdsRes__Output as GetProductsByIdsRes } from './generated/readerService/GetProductsByIdsRes.js';
export type { SearchRes__Output as SearchRes } from './generated/readerService/SearchRes.js';
export type { ProtoGrpcType as WriterProto } from './generated/writer.js';
export { decodeMessage, encodeMessage, type KafkaMessageName, type KafkaMessages } from './kafka-codec.js';
export {
  assertNever,
  eventKinds,
  eventTypes,
  eventVersion,
  fromWireChange,
  fromWireProduct,
  type Product,
  type ProductEvent,
  toWireProduct,
  type WireProduct,
  type WireProductChange,
  wireProductSchema,
  wireRequestSchemas,
  wireTimestamp,
  wireVersion,
} from './product.js';
export {
  type ProductCommand,
  type ProductCommandMessage,
  type ProductFields,
  productCommandMessage,
} from './product-commands.js';
export { type EncodedProductMessage, encodeProductMessage, type ProductMessage } from './product-message.js';
export { fromProductRow, type ProductRow, productColumns } from './product-row.js';
export { type ProductInput, paging, productFields, productInputSchema } from './product-schema.js';
export { type LoadedProto, loadReaderProto, loadWriterProto, protoDir, protoLoaderOptions } from './proto.js';
export { fromTimestamp, toTimestamp } from './timestamp.js';
export * from './topics.js';
export { decodeWire, describeIssues, type WireDecoding } from './wire-decode.js';
