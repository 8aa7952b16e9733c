import { type BackoffPolicy, backoffDelay, type Producer, sendStoredMessages } from '@cqrs-products/kafka';
import type { Logger } from '@cqrs-products/logger';
import type pg from 'pg';
import type { OutboxMetrics } from '../metrics.js';
import { inTransaction } from '../postgres/db.js';
import {
  lockPendingRows,
  markPublished,
  outboxChannel,
  tryTakeRelayLock,
} from '../postgres/outbox.repository.js';
import { listenForWakeUps } from '../postgres/outbox-wake-up.js';

export interface RelayOptions {
  readonly pool: pg.Pool;
  readonly producer: Producer;
  readonly log: Logger;
  readonly batchSize: number;
  /** Fallback polling when no notification arrives (lost NOTIFY, another instance's rows). */
  readonly pollIntervalMs: number;
  readonly metrics?: OutboxMetrics;
  /** Delays between attempts while Kafka or PostgreSQL fail. */
  readonly retry?: BackoffPolicy;
}

export interface Relay {
  /** Publishes pending rows now instead of at the next wake-up (tests, diagnostics). */
  wake(): void;
  /** Lets the current batch finish (or fail), then stops. */
  stop(): Promise<void>;
}

type BatchResult = 'published-all' | 'more-pending' | 'busy-elsewhere';

/**
 * Publishes outbox rows to Kafka in id order, at least once, marking them published only after
 * the broker acknowledged them.
 *
 * Why one relay at a time: each batch runs in a transaction that first takes a database-wide
 * advisory lock. With two writer instances, only the lock holder publishes; the other skips the
 * round. Row locks alone (SKIP LOCKED) would let the second instance publish rows 101-200 while the
 * first is still sending rows 1-100, so a product's later event could overtake its earlier one.
 * Serialising the relays keeps every product's events in commit order; throughput is bounded by
 * one producer, which is far above what the command side writes. If the process dies between the
 * send and the commit, the batch is sent again; consumers drop the repeat by its version.
 */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const { pool, producer, log, batchSize, pollIntervalMs } = options;
  const retry = options.retry ?? { initialMs: 200, maxMs: 5_000 };
  const wakeUps = await listenForWakeUps({ pool, channel: outboxChannel, log });
  let stopping = false;

  const publishBatch = (): Promise<BatchResult> =>
    inTransaction(pool, async (tx) => {
      if (!(await tryTakeRelayLock(tx))) return 'busy-elsewhere';
      const rows = await lockPendingRows(tx, batchSize);
      if (rows.length === 0) return 'published-all';
      await sendStoredMessages(
        producer,
        rows.map((row) => ({
          topic: row.topic,
          key: row.aggregateId,
          value: row.payload,
          headers: row.headers,
        })),
      ).catch((error: unknown) => {
        for (const row of rows) options.metrics?.kafka.produced.inc({ topic: row.topic, outcome: 'failure' });
        throw error;
      });
      await markPublished(
        tx,
        rows.map((row) => row.id),
      );
      const sentAt = Date.now();
      for (const row of rows) {
        options.metrics?.kafka.produced.inc({ topic: row.topic, outcome: 'success' });
        options.metrics?.publishDelay.observe(
          { topic: row.topic },
          (sentAt - row.createdAt.getTime()) / 1000,
        );
      }
      log.debug({ count: rows.length, lastId: rows.at(-1)?.id }, 'outbox rows published');
      return rows.length === batchSize ? 'more-pending' : 'published-all';
    });

  const loop = async () => {
    let failures = 0;
    while (!stopping) {
      let result: BatchResult;
      try {
        result = await publishBatch();
        failures = 0;
      } catch (error) {
        failures++;
        const delayMs = backoffDelay(retry, failures);
        log.warn({ err: error, failures, delayMs }, 'outbox relay failed, retrying');
        await wakeUps.wait(delayMs, { ignoreNotifications: true });
        continue;
      }
      if (result !== 'more-pending') await wakeUps.wait(pollIntervalMs);
    }
  };
  const running = loop();

  return {
    wake: () => wakeUps.wakeNow(),
    stop: async () => {
      stopping = true;
      wakeUps.wakeNow();
      await running;
      await wakeUps.close();
    },
  };
}
