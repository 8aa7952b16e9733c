import { deadLetterTopic } from '@cqrs-products/kafka';
import { untilCollectedToEnd, untilGroupCommittedToEnd } from '@cqrs-products/testing';
import { afterAll, beforeAll } from 'vitest';
import { countPending } from '../../src/postgres/outbox.repository.js';
import {
  type Collector,
  collect,
  eventVersion,
  type ReceivedEvent,
  startTestWriter,
  type TestWriter,
  type TestWriterOptions,
  until,
} from './harness.js';

/** The in-process writer of this file (its own database, topics and group), and what it published. */
export interface WriterFixture extends Omit<TestWriter, 'stop'> {
  /** Every event the writer published since the file began, as it arrives. */
  readonly events: Collector;
  /** Every dead-lettered command since the file began, as it arrives. */
  readonly deadLetters: Collector;
  eventsOf(productId: string): ReceivedEvent[];
  /** The versions of a product's events, in the order they arrived. */
  versionsOf(productId: string): number[];
  deadFor(key: string): ReceivedEvent[];
  readonly deadLetterTopics: readonly string[];
  /** The product's row in PostgreSQL, if any. */
  productRow(productId: string): Promise<Record<string, unknown> | undefined>;
  /**
   * Resolves once every command sent so far was consumed, every event it caused was published
   * and both collectors hold all of it: then a count is final, not a count of what came so far.
   */
  settled(): Promise<void>;
}

/**
 * One writer per test file, with collectors on its event and dead-letter topics started before
 * any test sends, so nothing published is missed; all of it is stopped after the file.
 */
export function useWriter(options: TestWriterOptions = {}): WriterFixture {
  let writer: TestWriter | undefined;
  let events: Collector | undefined;
  let deadLetters: Collector | undefined;
  beforeAll(async () => {
    writer = await startTestWriter(options);
    events = await collect(writer.kafka, Object.values(writer.topics.events));
    deadLetters = await collect(writer.kafka, fixture.deadLetterTopics);
  });
  afterAll(async () => {
    await Promise.all([events?.stop(), deadLetters?.stop()]);
    await writer?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the writer fixture is used before beforeAll ran');
    return value;
  };
  const current = () => started(writer);
  const fixture: WriterFixture = {
    get service() {
      return current().service;
    },
    get db() {
      return current().db;
    },
    get topics() {
      return current().topics;
    },
    get config() {
      return current().config;
    },
    get kafka() {
      return current().kafka;
    },
    get producer() {
      return current().producer;
    },
    send: (kind, value, sendOptions) => current().send(kind, value, sendOptions),
    sendBatch: (kind, messages, partition) => current().sendBatch(kind, messages, partition),
    restart: (whileDown) => current().restart(whileDown),
    get events() {
      return started(events);
    },
    get deadLetters() {
      return started(deadLetters);
    },
    eventsOf: (productId) => fixture.events.messages.filter((m) => m.key === productId),
    versionsOf: (productId) => fixture.eventsOf(productId).map(eventVersion),
    get deadLetterTopics() {
      return Object.values(current().topics.commands).map(deadLetterTopic);
    },
    deadFor: (key) => fixture.deadLetters.messages.filter((m) => m.key === key),
    settled: async () => {
      const { kafka, config, topics, db } = current();
      await untilGroupCommittedToEnd(kafka, config.kafka.groupId, Object.values(topics.commands));
      // The outbox row commits with the command, and is marked published once Kafka has it.
      await until(async () => (await countPending(db.pool)) === 0, { what: 'outbox published' });
      await untilCollectedToEnd(kafka, fixture.events.messages, Object.values(topics.events));
      await untilCollectedToEnd(kafka, fixture.deadLetters.messages, fixture.deadLetterTopics);
    },
    productRow: async (productId) =>
      (await current().db.pool.query('SELECT * FROM products WHERE product_id = $1', [productId])).rows[0],
  };
  return fixture;
}
