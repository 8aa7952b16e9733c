import { randomUUID } from 'node:crypto';
import { encodeMessage, headerNames, productTopics, protobufContentType } from '@cqrs-products/contracts';
import { createKafka, createProducer } from '@cqrs-products/kafka';
import { countMongo, countPostgres } from './bench-data.js';
import { scrape, sumMetric } from './metrics-scrape.js';
import type { ScaleStack } from './scale-stack.js';
import { round } from './stats.js';

/**
 * Seeds existing products the bulk way: ProductCreate commands produced straight to the
 * product_create topic in large batches, encoded and headed exactly as the gateway's
 * `sendMessage` does, so the real writer commits them (with their outbox events) and the real
 * reader projects them. Skipping the REST API is what makes 100k products take minutes, not an
 * hour; everything behind the topic is the path under test.
 */

export interface SeedResult {
  readonly target: number;
  readonly existingBefore: { readonly postgres: number };
  readonly produced: number;
  readonly seconds: { readonly produce: number; readonly postgres: number; readonly mongo: number };
  /** Creates per second: produced to Kafka, committed by the writer, projected by the reader. */
  readonly perSecond: { readonly produce: number; readonly postgres: number; readonly mongo: number };
  readonly postgresCount: number;
  readonly mongoCount: number;
}

export interface SeedOptions {
  readonly stack: ScaleStack;
  readonly kafkaBrokers: readonly string[];
  readonly mongoUri: string;
  readonly target: number;
  readonly batchSize: number;
  readonly timeoutMs: number;
  readonly log: (message: string) => void;
}

const quiet = { error() {}, warn() {}, info() {}, debug() {} };

/** The reader's count of projected creates (its own process only: it starts at 0 with the service). */
export async function readerCreatesApplied(stack: ScaleStack): Promise<number | null> {
  const text = await scrape(stack.metricsUrls['reader-service']).catch(() => '');
  return sumMetric(text, 'kafka_consumer_messages_total', {
    topic: productTopics(stack.topicPrefix).events.created,
    outcome: 'success',
  });
}

export async function seedProducts(options: SeedOptions): Promise<SeedResult> {
  const { stack, target, log } = options;
  const started = performance.now();
  const deadline = started + options.timeoutMs;
  const elapsed = () => (performance.now() - started) / 1000;
  const postgresBefore = await countPostgres(stack.pool);
  const readerBefore = (await readerCreatesApplied(stack)) ?? 0;
  const missing = Math.max(0, target - postgresBefore);

  const producer = createProducer(
    createKafka({ brokers: options.kafkaBrokers, clientId: 'bench-seed' }, quiet),
  );
  await producer.connect();
  try {
    const topic = productTopics(stack.topicPrefix).commands.create;
    for (let sent = 0; sent < missing; ) {
      const size = Math.min(options.batchSize, missing - sent);
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: size }, (_, i) => seedMessage(sent + i)),
      });
      sent += size;
    }
  } finally {
    await producer.disconnect();
  }
  const produceSeconds = elapsed();
  if (missing > 0) log(`seed: produced ${missing} creates in ${round(produceSeconds, 1)} s`);

  // PostgreSQL's count(*) is cheap; poll it until the writer has committed them all.
  let postgresCount = await countPostgres(stack.pool);
  let lastLog = performance.now();
  for (; postgresCount < target; postgresCount = await countPostgres(stack.pool)) {
    if (performance.now() > deadline)
      throw new Error(`seed: PostgreSQL has ${postgresCount} of ${target} products`);
    if (performance.now() - lastLog > 10_000) {
      log(`seed: PostgreSQL ${postgresCount}/${target}`);
      lastLog = performance.now();
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const postgresSeconds = elapsed();

  // The read model: FerretDB's count costs seconds at 100k, so progress comes from the reader's
  // own counter of projected creates, and one count confirms at the end.
  const expected = postgresCount - postgresBefore;
  for (;;) {
    const applied = ((await readerCreatesApplied(stack)) ?? 0) - readerBefore;
    if (applied >= expected) break;
    if (performance.now() > deadline)
      throw new Error(`seed: the reader projected ${applied} of ${expected} creates`);
    if (performance.now() - lastLog > 10_000) {
      log(`seed: reader ${applied}/${expected}`);
      lastLog = performance.now();
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  const mongoSeconds = elapsed();
  let mongoCount = await countMongo(options.mongoUri, stack.name);
  // Short only when events of an earlier, interrupted run are still being projected: wait, rarely.
  while (mongoCount < target && performance.now() < deadline) {
    log(`seed: MongoDB has ${mongoCount}/${target}, waiting for the reader`);
    await new Promise((r) => setTimeout(r, 10_000));
    mongoCount = await countMongo(options.mongoUri, stack.name);
  }
  if (mongoCount < target)
    throw new Error(
      `seed: MongoDB has ${mongoCount} products, PostgreSQL ${postgresCount}: ` +
        `the read model lost some; run with --reset to seed anew`,
    );
  const perSecond = (seconds: number) => (missing > 0 ? round(missing / Math.max(seconds, 0.001), 1) : 0);
  return {
    target,
    existingBefore: { postgres: postgresBefore },
    produced: missing,
    seconds: {
      produce: round(produceSeconds, 1),
      postgres: round(postgresSeconds, 1),
      mongo: round(mongoSeconds, 1),
    },
    perSecond: {
      produce: perSecond(produceSeconds),
      postgres: perSecond(postgresSeconds),
      mongo: perSecond(mongoSeconds),
    },
    postgresCount,
    mongoCount,
  };
}

/** One ProductCreate as the gateway sends it: protobuf value, keyed by productId, same headers. */
function seedMessage(i: number) {
  const productId = randomUUID();
  return {
    key: productId,
    value: encodeMessage('ProductCreate', {
      ProductID: productId,
      Name: `Seed product ${i}`,
      Description: 'seeded by the scale benchmark',
      Price: 1 + (i % 100),
    }),
    headers: {
      [headerNames.messageId]: randomUUID(),
      [headerNames.messageType]: 'ProductCreate',
      [headerNames.contentType]: protobufContentType,
    },
  };
}
