import { randomUUID } from 'node:crypto';
import { encodeProductMessage, headerNames } from '@cqrs-products/contracts';
import { deadLetterHeaders, deadLetterTopic, sendMessage } from '@cqrs-products/kafka';
import { eventually } from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerText, type KafkaRecord, recordAddress } from '../../../tools/dlq/src/dead-letter.js';
import { listRows, redriveRows, runDlq } from './support/dlq-cli.js';
import { type DlqStack, startDlqStack } from './support/dlq-stack.js';

// Short, so an update of an unknown product is dead-lettered within the test instead of after 30 s.
const parkWindowMs = 1_000;

let env: DlqStack;
beforeAll(async () => {
  env = await startDlqStack(parkWindowMs);
});
afterAll(async () => {
  await env?.stop();
});

const dlq = (...args: string[]) => runDlq(env.cliEnv, ...args);

describe('dlq: an update of a product that did not exist yet', () => {
  it('is listed and shown as not found, and once the product is created by hand its redrive applies exactly once', async () => {
    const productId = randomUUID();
    expect(
      (await env.api('PUT', `/products/${productId}`, { name: 'Lamp', description: 'Parked', price: 42 }))
        .status,
    ).toBe(200);
    const updateDlq = deadLetterTopic(env.topics.commands.update);
    const [dead] = await env.recordsWith(updateDlq, (r) => r.key?.toString() === productId, 1);
    if (!dead) throw new Error('unreachable');
    const messageId = headerText(dead.headers, headerNames.messageId);
    expect(messageId).toMatch(/^[0-9a-f-]{36}$/);
    const offset = `${dead.partition}:${dead.offset}`;

    const listed = await dlq('list');
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const [row, ...others] = listRows(listed.stdout, updateDlq).filter((r) => r.KEY === productId);
    expect(others).toEqual([]);
    expect(row).toMatchObject({
      OFFSET: offset,
      CODE: 'PRODUCT_NOT_FOUND',
      ORIGIN: `${env.topics.commands.update}/${headerText(dead.headers, deadLetterHeaders.originalPartition)}/${headerText(dead.headers, deadLetterHeaders.originalOffset)}`,
      ATTEMPTS: '1',
      'MESSAGE ID': messageId,
    });
    expect(row?.ERROR).toMatch(/^Product not found: /);
    // Every DLQ topic of the stack gets its heading, empty ones included.
    expect(listed.stdout).toContain(`${deadLetterTopic(env.topics.events.deleted)}: no dead letters`);

    const shown = await dlq('show', updateDlq, offset);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`dead letter ${updateDlq}/${dead.partition}/${dead.offset}`);
    expect(shown.stdout).toMatch(new RegExp(`message-id\\s+${messageId}`));
    expect(shown.stdout).toContain('value: ProductUpdate');
    expect(shown.stdout).toContain(`"ProductID": "${productId}"`);
    expect(shown.stdout).toContain('"Price": 42');

    // The fix by hand: the product the update was meant for now exists.
    await sendMessage(
      env.producer,
      encodeProductMessage({
        topic: env.topics.commands.create,
        type: 'ProductCreate',
        key: productId,
        value: { ProductID: productId, Name: 'Lamp', Description: 'Created by hand', Price: 1 },
      }),
    );
    await eventually(
      () => env.productRow(productId),
      (p) => p?.version === '1',
      { what: 'the created product' },
    );

    const redriven = await dlq('redrive', updateDlq, '--offsets', offset);
    expect(redriven).toMatchObject({ code: 0, stderr: '' });
    const [sent, ...more] = redriveRows(redriven.stdout);
    expect(more).toEqual([]);
    expect(sent?.slice(0, 3)).toEqual([offset, productId, messageId]);
    // Where the gateway sends this product's commands, i.e. behind them and not beside them.
    const landed = `${env.topics.commands.update}/${headerText(dead.headers, deadLetterHeaders.originalPartition)}/`;
    expect(sent?.[3]).toMatch(new RegExp(`^${landed}\\d+$`));

    const applied = await eventually(
      () => env.productRow(productId),
      (p) => p?.version === '2',
      {
        what: 'the redriven update',
      },
    );
    expect(applied?.price).toBe(42);
    const [, partition = '', landedOffset = ''] = (sent?.[3] ?? '').split('/');
    const copy = await env.recordAt(env.topics.commands.update, Number(partition), Number(landedOffset));
    expect(copy?.value).toEqual(dead.value);
    expect(headerText(copy?.headers ?? {}, headerNames.messageId)).toBe(messageId);
    expect(
      Object.keys(copy?.headers ?? {})
        .filter((name) => name.startsWith('dlq-'))
        .sort(),
    ).toEqual(['dlq-redriven-at', 'dlq-redriven-count', 'dlq-redriven-from']);
    expect(headerText(copy?.headers ?? {}, 'dlq-redriven-from')).toBe(recordAddress(dead));

    // The same dead letter again: its message id is processed now, so the writer ignores it. The
    // update behind it on the same partition is the marker that the redrive has been consumed.
    expect((await dlq('redrive', updateDlq, '--offsets', offset)).code).toBe(0);
    expect(
      (await env.api('PUT', `/products/${productId}`, { name: 'Lamp', description: 'Marker', price: 7 }))
        .status,
    ).toBe(200);
    const marked = await eventually(
      () => env.productRow(productId),
      (p) => p?.price === 7,
      { what: 'the marker' },
    );
    expect(marked?.version).toBe('3');
    expect(await env.outboxTypes(productId)).toEqual(['ProductCreated', 'ProductUpdated', 'ProductUpdated']);
    expect((await env.records(updateDlq)).filter((r) => r.key?.toString() === productId)).toHaveLength(1);
  });
});

describe('dlq: a create with an invalid price', () => {
  it('is sent nothing by a dry run, and redriven unchanged is dead-lettered again with the trail', async () => {
    const productId = randomUUID();
    const command = encodeProductMessage({
      topic: env.topics.commands.create,
      type: 'ProductCreate',
      key: productId,
      value: { ProductID: productId, Name: 'Lamp', Description: 'Negative', Price: -5 },
    });
    await sendMessage(env.producer, command);
    const { messageId } = command;
    const createDlq = deadLetterTopic(env.topics.commands.create);
    const ofThisCommand = (r: KafkaRecord) => headerText(r.headers, headerNames.messageId) === messageId;
    const [first] = await env.recordsWith(createDlq, ofThisCommand, 1);
    expect(headerText(first?.headers ?? {}, deadLetterHeaders.errorCode)).toBe('INVALID_COMMAND');

    const before = await env.endOffsets(env.topics.commands.create);
    const dryRun = await dlq('redrive', createDlq, '--all', '--dry-run');
    expect(dryRun).toMatchObject({ code: 0, stderr: '' });
    expect(dryRun.stdout.split('\n')[0]).toBe(
      `dry run: 1 dead letter of ${createDlq} would be sent to ${env.topics.commands.create}; nothing was sent`,
    );
    expect(redriveRows(dryRun.stdout)).toEqual([
      [
        `${first?.partition}:${first?.offset}`,
        productId,
        messageId,
        `${env.topics.commands.create} (not sent)`,
      ],
    ]);
    // The CLI has exited: anything it sent was acked by then, so the end offsets would have moved.
    expect(await env.endOffsets(env.topics.commands.create)).toBe(before);

    const redriven = await dlq('redrive', createDlq, '--all');
    expect(redriven.code).toBe(0);
    expect(await env.endOffsets(env.topics.commands.create)).not.toBe(before);
    const again = await env.recordsWith(createDlq, ofThisCommand, 2);
    expect(again).toHaveLength(2);
    const second = again[1];
    expect(headerText(second?.headers ?? {}, deadLetterHeaders.errorCode)).toBe('INVALID_COMMAND');
    expect(headerText(second?.headers ?? {}, 'dlq-redriven-from')).toBe(first && recordAddress(first));
    expect(headerText(second?.headers ?? {}, 'dlq-redriven-count')).toBe('1');
    expect(second?.value).toEqual(first?.value);
    expect(await env.productRow(productId)).toBeUndefined();

    const listed = listRows((await dlq('list', '--topic', createDlq)).stdout, createDlq);
    expect(listed.map((r) => [r['MESSAGE ID'], r.CODE])).toEqual([
      [messageId, 'INVALID_COMMAND'],
      [messageId, 'INVALID_COMMAND'],
    ]);
  });
});

describe('dlq: mistakes', () => {
  it('are one line naming the code, with exit code 2 for the invocation and 1 for what Kafka holds, and send nothing', async () => {
    const updateDlq = deadLetterTopic(env.topics.commands.update);
    const before = await env.endOffsets(env.topics.commands.update);

    const ambiguous = await dlq('redrive', updateDlq, '--offsets', '0');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/^dlq: OFFSET_AMBIGUOUS: .* has 3 partitions; write partition:offset/);

    // One offset that exists, one that does not: checked before the first send, so none is sent.
    const [existing] = await env.records(updateDlq);
    const selection = `${existing?.partition}:${existing?.offset},${existing?.partition}:999`;
    const missing = await dlq('redrive', updateDlq, '--offsets', selection);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      new RegExp(
        `^dlq: OFFSET_NOT_FOUND: .*partition ${existing?.partition} holds offsets .*, not ${existing?.partition}:999`,
      ),
    );
    expect(await env.endOffsets(env.topics.commands.update)).toBe(before);

    const unknown = await dlq('list', '--topic', `${env.stack.topicPrefix}orders.dlq`);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe(
      `dlq: TOPIC_NOT_FOUND: Topic not found: ${env.stack.topicPrefix}orders.dlq\n`,
    );

    const badEnv = await runDlq({ ...env.cliEnv, KAFKA_BROKERS: 'kafka' }, 'list');
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toBe(
      'dlq: CONFIG_INVALID: Invalid configuration: KAFKA_BROKERS="kafka": expected host:port\n',
    );
  });
});
