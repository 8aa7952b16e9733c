import { encodeProductMessage, loadReaderProto, productTopics, toTimestamp } from '@cqrs-products/contracts';
import { createKafka, createProducer, sendMessage } from '@cqrs-products/kafka';
import { until } from '@cqrs-products/testing';
import { credentials } from '@grpc/grpc-js';

const silent = { error() {}, warn() {}, info() {}, debug() {} };

export interface SeedProduct {
  readonly ProductID: string;
  readonly Name: string;
  readonly Description: string;
  readonly Price: number;
  readonly Version: number;
}

/**
 * Puts products into a running reader the only way anything may: as the writer's events on the
 * reader's event topics. `apply` resolves once the reader answers the new version over gRPC.
 */
export async function readerEvents(brokers: readonly string[], topicPrefix: string, readerAddr: string) {
  const topics = productTopics(topicPrefix).events;
  const producer = createProducer(createKafka({ brokers: [...brokers], clientId: 'reader-seed' }, silent));
  await producer.connect();
  const { proto } = loadReaderProto();
  const client = new proto.readerService.readerService(readerAddr, credentials.createInsecure());
  const versionOf = (ProductID: string) =>
    new Promise<number>((resolve) =>
      client.GetProductById({ ProductID }, (error, value) =>
        resolve(error ? 0 : (value?.Product?.Version ?? 0)),
      ),
    );

  return {
    apply: async (product: SeedProduct): Promise<void> => {
      const at = toTimestamp(new Date());
      const Product = { ...product, CreatedAt: at, UpdatedAt: at };
      await (product.Version === 1
        ? sendMessage(
            producer,
            encodeProductMessage({
              topic: topics.created,
              type: 'ProductCreated',
              key: product.ProductID,
              value: { Product },
            }),
          )
        : sendMessage(
            producer,
            encodeProductMessage({
              topic: topics.updated,
              type: 'ProductUpdated',
              key: product.ProductID,
              value: { Product },
            }),
          ));
      await until(async () => (await versionOf(product.ProductID)) >= product.Version, {
        timeoutMs: 15_000,
        what: `version ${product.Version} of ${product.ProductID} in the reader`,
      });
    },
    close: async () => {
      client.close();
      await producer.disconnect();
    },
  };
}
