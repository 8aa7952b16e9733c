import { deadLetterTopic } from '@cqrs-products/contracts';
import { afterAll, beforeAll } from 'vitest';
import {
  type Collector,
  collect,
  eventVersion,
  type ReceivedEvent,
  startTestWriter,
  type TestWriter,
  type TestWriterOptions,
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
  /** The product's row in PostgreSQL, if any. */
  productRow(productId: string): Promise<Record<string, unknown> | undefined>;
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
    deadLetters = await collect(writer.kafka, Object.values(writer.topics.commands).map(deadLetterTopic));
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
    deadFor: (key) => fixture.deadLetters.messages.filter((m) => m.key === key),
    productRow: async (productId) =>
      (await current().db.pool.query('SELECT * FROM products WHERE product_id = $1', [productId])).rows[0],
  };
  return fixture;
}
