import { encodeMessage, headerNames, productTopics } from '@cqrs-products/contracts';
import { AppError, defineErrors, GrpcStatus } from '@cqrs-products/errors';
import { classifyFailure, PoisonMessageError, type ReceivedMessage } from '@cqrs-products/kafka';
import { describe, expect, it } from 'vitest';
import { writerErrors } from '../src/errors.js';
import { handleCommandBatch } from '../src/kafka/product-commands.consumer.js';
import { postgresFailure } from '../src/postgres/db.js';
import type { CommandOutcome, HandleCommands } from '../src/product-command.handler.js';

const topics = productTopics('unit_').commands;
const productId = '6a1f0c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b';
const create = (offset: number): ReceivedMessage => ({
  topic: topics.create,
  partition: 0,
  message: {
    key: Buffer.from(productId),
    value: encodeMessage('ProductCreate', { ProductID: productId, Name: 'n', Description: 'd', Price: 1 }),
    headers: { [headerNames.messageId]: `0e8f5a3c-9d2b-4c1a-8f7e-6d5c4b3a291${offset}` },
    offset: String(offset),
    timestamp: '0',
    attributes: 0,
  },
});
const answering =
  (...outcomes: CommandOutcome[]): HandleCommands =>
  async () =>
    outcomes;
const heartbeat = { heartbeat: async () => {} };
// A rejection the writer does not have yet: one that may pass later.
const { NOT_YET } = defineErrors({
  NOT_YET: { message: 'Not yet', httpStatus: 503, grpcStatus: GrpcStatus.UNAVAILABLE, retryable: true },
});

describe("a rejected command's verdict comes from its catalogue entry", () => {
  it('a final rejection is dead-lettered as the coded error itself, with its code and message', async () => {
    const rejection = writerErrors.PRODUCT_ALREADY_EXISTS(productId);

    const verdicts = await handleCommandBatch(
      topics,
      answering({ kind: 'duplicate' }, { kind: 'rejected', error: rejection }),
    )([create(0), create(1)], heartbeat);

    expect(verdicts).toEqual([{ kind: 'done' }, { kind: 'dead-letter', error: rejection }]);
    expect(rejection).toMatchObject({
      code: 'PRODUCT_ALREADY_EXISTS',
      message: `Product already exists: ${productId}`,
    });
  });

  it('a retryable rejection fails the batch, and the classifier waits it out instead of dead-lettering', async () => {
    const rejection = NOT_YET();

    const batch = handleCommandBatch(topics, answering({ kind: 'rejected', error: rejection }))(
      [create(0)],
      heartbeat,
    );

    await expect(batch).rejects.toBe(rejection);
    expect(classifyFailure(rejection)).toBe('transient');
  });
});

// The writer's consumer passes no classifier of its own: the runner's default is the writer's.
describe('classifying a failure once, from what the error says', () => {
  const classify = classifyFailure;

  it('a coded error is classified by its retryable flag', () => {
    expect(classify(writerErrors.KEY_MISMATCH('k'))).toBe('permanent');
    expect(classify(writerErrors.DEPENDENCY_UNAVAILABLE('PostgreSQL'))).toBe('transient');
  });

  it('a database outage is named once, by the postgres adapter; anything else is the runner default', () => {
    expect(classify(postgresFailure(new Error('Connection terminated unexpectedly')))).toBe('transient');
    expect(classify(postgresFailure(new Error('a bug')))).toBe('unknown');
    expect(classify(new PoisonMessageError('bad', 'X'))).toBe('permanent');
  });
});

describe('poison codes are catalogue codes', () => {
  it("an undecodable command is dead-lettered with the catalogue's code and message", async () => {
    const broken = { ...create(0), message: { ...create(0).message, value: Buffer.from([0xff, 0xfe]) } };

    const [verdict] = (await handleCommandBatch(topics, answering())([broken], heartbeat)) ?? [];

    expect(verdict?.kind).toBe('dead-letter');
    const error = verdict?.kind === 'dead-letter' ? verdict.error : undefined;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UNDECODABLE_PAYLOAD' });
    expect((error as Error).message).toMatch(
      /^The payload is not an encoded command: cannot decode ProductCreate/,
    );
  });
});
