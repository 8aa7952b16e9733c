import { randomUUID } from 'node:crypto';
import { encodeMessage, encodeProductMessage, loadReaderProto, toTimestamp } from '@cqrs-products/contracts';
import { GrpcStatus } from '@cqrs-products/errors';
import { sendMessage } from '@cqrs-products/kafka';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { newProductId, useReaderHarness } from './support/reader-harness.js';

const reader = useReaderHarness();

interface Answer {
  Product: { ProductID: string; Name: string; Version: number };
}
const getFresh = (ProductID: string, fresh: { MinVersion?: number; ConsistencyToken?: string }) =>
  reader.call<Answer>('GetProductById', { ProductID, ...fresh });
const lamp = (ProductID: string, Version: number) => ({
  ProductID,
  Name: `Lamp v${Version}`,
  Description: 'Brass',
  Price: 10,
  Version,
});
const at = () => toTimestamp(new Date());
/** An update event as the writer publishes it: with the id of the command that caused it. */
const updatedBy = (commandId: string, ProductID: string, Version: number) =>
  sendMessage(
    reader.producer,
    encodeProductMessage({
      topic: reader.topics.updated,
      type: 'ProductUpdated',
      key: ProductID,
      value: { Product: { ...lamp(ProductID, Version), CreatedAt: at(), UpdatedAt: at() } },
      headers: { 'command-id': commandId },
    }),
  );

describe('GetProductById waits, bounded, until the read model has what the client wrote', () => {
  it('with MinVersion 1, a read sent before the create is projected answers the product, not NOT_FOUND', async () => {
    const id = newProductId();
    const answer = getFresh(id, { MinVersion: 1 });
    await reader.created(lamp(id, 1));
    expect(await answer).toMatchObject({ error: null, value: { Product: { ProductID: id, Version: 1 } } });
  });

  it("with an update's consistency token, answers once that update is applied, not the version before", async () => {
    const id = newProductId();
    await reader.created(lamp(id, 1));
    await reader.untilConsumed();
    const token = randomUUID();

    const answer = getFresh(id, { ConsistencyToken: token });
    await updatedBy(token, id, 2);
    expect((await answer).value?.Product).toMatchObject({ Name: 'Lamp v2', Version: 2 });
  });

  it('a token whose version a newer change superseded in the same batch answers the newer state', async () => {
    const id = newProductId();
    await reader.created(lamp(id, 1));
    await reader.untilConsumed();
    const [first, second] = [randomUUID(), randomUUID()];
    const event = (Version: number) =>
      encodeMessage('ProductUpdated', {
        Product: { ...lamp(id, Version), CreatedAt: at(), UpdatedAt: at() },
      });
    await reader.producer.send({
      topic: reader.topics.updated,
      acks: -1,
      messages: [
        { key: id, value: event(2), headers: { 'command-id': first } },
        { key: id, value: event(3), headers: { 'command-id': second } },
      ],
    });
    expect((await getFresh(id, { ConsistencyToken: first })).value?.Product.Version).toBe(3);
    expect((await getFresh(id, { ConsistencyToken: second })).value?.Product.Version).toBe(3);
  });

  it("with a delete's token or its version, answers NOT_FOUND once the delete is applied", async () => {
    const id = newProductId();
    await reader.created(lamp(id, 1));
    await reader.untilConsumed();
    const token = randomUUID();
    const answer = getFresh(id, { ConsistencyToken: token });
    await sendMessage(
      reader.producer,
      encodeProductMessage({
        topic: reader.topics.deleted,
        type: 'ProductDeleted',
        key: id,
        value: { ProductID: id, Version: 2, DeletedAt: at() },
        headers: { 'command-id': token },
      }),
    );
    expect((await answer).error?.code).toBe(GrpcStatus.NOT_FOUND);
    expect((await getFresh(id, { MinVersion: 2 })).error?.code).toBe(GrpcStatus.NOT_FOUND);
  });

  it('a version that never comes answers UNAVAILABLE (VERSION_NOT_YET_VISIBLE) within the bound', async () => {
    const id = newProductId();
    await reader.created(lamp(id, 1));
    await reader.untilConsumed();
    const bound = reader.config.readYourWrites.timeoutMs;

    for (const fresh of [{ MinVersion: 2 }, { ConsistencyToken: randomUUID() }]) {
      const started = Date.now();
      const { error } = await getFresh(id, fresh);
      const waited = Date.now() - started;
      expect(error?.code).toBe(GrpcStatus.UNAVAILABLE);
      expect(error?.metadata.get('error-code')).toEqual(['VERSION_NOT_YET_VISIBLE']);
      expect(waited).toBeGreaterThanOrEqual(bound - 20);
      expect(waited).toBeLessThan(bound + 500);
    }
  });

  it("ends the wait before the caller's deadline, so the caller learns why instead of timing out", async () => {
    const id = newProductId();
    const { proto } = loadReaderProto();
    const client = new proto.readerService.readerService(reader.address, credentials.createInsecure());
    const started = Date.now();
    const error = await new Promise<ServiceError | null>((resolve) =>
      client.GetProductById(
        { ProductID: id, MinVersion: 1 },
        { deadline: Date.now() + 600 },
        (failure: ServiceError | null) => resolve(failure),
      ),
    );
    client.close();
    expect(error?.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(error?.metadata.get('error-code')).toEqual(['VERSION_NOT_YET_VISIBLE']);
    expect(Date.now() - started).toBeLessThan(600);
  });

  it("a token of another product's command never answers for this one", async () => {
    const [id, other] = [newProductId(), newProductId()];
    await reader.created(lamp(id, 1));
    await reader.created(lamp(other, 1));
    await reader.untilConsumed();
    const token = randomUUID();
    await updatedBy(token, other, 2);
    await reader.untilConsumed();
    expect((await getFresh(other, { ConsistencyToken: token })).value?.Product.Version).toBe(2);
    expect((await getFresh(id, { ConsistencyToken: token })).error?.code).toBe(GrpcStatus.UNAVAILABLE);
  });

  it('answers INVALID_ARGUMENT for a negative version or a token that is not a UUID', async () => {
    const id = newProductId();
    expect((await getFresh(id, { MinVersion: -1 })).error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect((await getFresh(id, { ConsistencyToken: 'abc' })).error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
  });
});
