import { randomUUID } from 'node:crypto';
import { encodeMessage, headerNames } from '@cqrs-products/contracts';
import { deadLetterHeaders, deadLetterTopic } from '@cqrs-products/kafka';
import { describe, expect, it } from 'vitest';
import { poisonCodes } from '../src/kafka/command-message.js';
import { until } from './support/harness.js';
import { useWriter } from './support/writer-fixture.js';

// Short, so that an update of an unknown product gives up waiting for its create within the test.
const parkWindowMs = 1_500;
const writer = useWriter({ parkWindowMs });
const { deadFor, eventsOf: eventsFor } = writer;

const lamp = (productId: string) => ({ ProductID: productId, Name: 'Lamp', Description: 'A lamp', Price: 3 });
const productExists = async (productId: string) =>
  (await writer.db.pool.query('SELECT 1 FROM products WHERE product_id = $1', [productId])).rowCount === 1;

/** Sends raw bytes the way a broken producer would, with a valid message id. */
const sendRaw = (topic: string, key: string, value: Buffer, headers: Record<string, string> = {}) =>
  writer.producer.send({
    topic,
    acks: -1,
    messages: [{ key, value, headers: { [headerNames.messageId]: randomUUID(), ...headers } }],
  });

describe('poison commands', () => {
  it('garbage bytes land in the DLQ with why and where, and the next command on the partition is processed', async () => {
    const productId = randomUUID();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await sendRaw(writer.topics.commands.create, productId, Buffer.from([0xff, 0xfe, 0xfd, 0x00]), {
      traceparent,
    });
    // Same key, so same partition: it must not be blocked by the poison before it.
    await writer.send('create', lamp(productId));

    await until(() => deadFor(productId).length === 1 && eventsFor(productId).length === 1);
    expect(await productExists(productId)).toBe(true);

    const dead = deadFor(productId)[0];
    expect(dead?.topic).toBe(deadLetterTopic(writer.topics.commands.create));
    expect(dead?.value).toEqual(Buffer.from([0xff, 0xfe, 0xfd, 0x00]));
    expect(dead?.headers).toMatchObject({
      [deadLetterHeaders.errorCode]: poisonCodes.undecodable,
      [deadLetterHeaders.originalTopic]: writer.topics.commands.create,
      [deadLetterHeaders.attempts]: '1',
      // The original headers travel along, so the failure can be traced to its request.
      traceparent,
    });
    expect(dead?.headers[deadLetterHeaders.originalPartition]).toMatch(/^\d+$/);
    expect(dead?.headers[deadLetterHeaders.originalOffset]).toMatch(/^\d+$/);
    expect(dead?.headers[deadLetterHeaders.error]).toMatch(/cannot decode ProductCreate/);
  });

  it('a well-formed command with invalid fields is dead-lettered and changes nothing', async () => {
    const productId = randomUUID();
    await writer.send('create', { ...lamp(productId), Name: '', Price: -5 });
    await writer.send('create', lamp(productId));

    await until(() => deadFor(productId).length === 1 && eventsFor(productId).length === 1);
    const headers = deadFor(productId)[0]?.headers ?? {};
    expect(headers[deadLetterHeaders.errorCode]).toBe(poisonCodes.invalidCommand);
    expect(headers[deadLetterHeaders.error]).toMatch(/Name: must not be empty.*Price: must not be negative/);
  });

  it('an update or delete of an unknown product is dead-lettered once the parking window is over, leaving no row and no event', async () => {
    const unknown = randomUUID();
    await writer.send('update', lamp(unknown));
    await writer.send('delete', { ProductID: unknown });
    const next = randomUUID();
    await writer.send('create', lamp(next));

    await until(() => deadFor(unknown).length === 2 && eventsFor(next).length === 1);
    // Sorted: the update and the delete wait on different topics, their dead letters likewise.
    expect(
      deadFor(unknown)
        .map((m) => `${m.headers[deadLetterHeaders.originalTopic]} ${m.headers[deadLetterHeaders.errorCode]}`)
        .sort(),
    ).toEqual([
      `${writer.topics.commands.delete} PRODUCT_NOT_FOUND`,
      `${writer.topics.commands.update} PRODUCT_NOT_FOUND`,
    ]);
    expect(await productExists(unknown)).toBe(false);
    const outbox = await writer.db.pool.query('SELECT 1 FROM outbox WHERE aggregate_id = $1', [unknown]);
    expect(outbox.rowCount).toBe(0);
    const parked = await writer.db.pool.query('SELECT 1 FROM parked_commands WHERE product_id = $1', [
      unknown,
    ]);
    expect(parked.rowCount).toBe(0);
  });

  it('a create of an id that exists is dead-lettered; the product keeps its first version', async () => {
    const productId = randomUUID();
    await writer.send('create', lamp(productId));
    await writer.send('create', { ...lamp(productId), Name: 'Impostor' });

    await until(() => deadFor(productId).length === 1);
    expect(deadFor(productId)[0]?.headers[deadLetterHeaders.errorCode]).toBe('PRODUCT_ALREADY_EXISTS');
    const row = await writer.db.pool.query('SELECT name, version FROM products WHERE product_id = $1', [
      productId,
    ]);
    expect(row.rows).toEqual([{ name: 'Lamp', version: '1' }]);
  });

  it('a command without a UUID message id is dead-lettered rather than applied without redelivery protection', async () => {
    const productId = randomUUID();
    await writer.producer.send({
      topic: writer.topics.commands.create,
      acks: -1,
      messages: [{ key: productId, value: encodeMessage('ProductCreate', lamp(productId)), headers: {} }],
    });

    await until(() => deadFor(productId).length === 1);
    expect(deadFor(productId)[0]?.headers[deadLetterHeaders.errorCode]).toBe(poisonCodes.invalidMessageId);
    await writer.settled();
    expect(await productExists(productId)).toBe(false);
  });
});
