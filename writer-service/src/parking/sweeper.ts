import { type BackoffPolicy, backoffDelay, type Producer, sendToDeadLetter } from '@cqrs-products/kafka';
import type { Logger } from '@cqrs-products/logger';
import type pg from 'pg';
import { writerErrors } from '../errors.js';
import type { ParkingMetrics } from '../metrics.js';
import { inTransaction } from '../postgres/db.js';
import { deleteParkedCommands, lockExpiredCommands } from '../postgres/parked-command.repository.js';
import { forgetCommands } from '../postgres/processed-command.repository.js';

export interface ParkingSweeperOptions {
  readonly pool: pg.Pool;
  readonly producer: Producer;
  readonly log: Logger;
  /** How long a parked command waits for its create before it is dead-lettered. */
  readonly windowMs: number;
  /** How often to look; a command is dead-lettered at most this much after its window. */
  readonly intervalMs?: number;
  readonly batchSize?: number;
  readonly metrics?: ParkingMetrics;
  /**
   * Since when every create then in Kafka has been consumed (`kafka/creates-caught-up.ts`); only
   * commands parked before it are dead-lettered. Undefined: nothing is (the position is unknown).
   */
  readonly createsCaughtUpSince: () => Date | undefined;
  /** Delays between attempts while Kafka or PostgreSQL fail. */
  readonly retry?: BackoffPolicy;
}

export interface ParkingSweeper {
  /** Dead-letters what has expired now (tests, diagnostics); resolves with how many. */
  sweep(): Promise<number>;
  /** Lets the current round finish (or fail), then stops. */
  stop(): Promise<void>;
}

/** Often enough that the window is kept to within a tenth, at most once a second. */
export const sweepInterval = (windowMs: number): number => Math.min(1_000, Math.max(50, windowMs / 10));

/**
 * Dead-letters parked commands whose create did not come within the window and cannot come any
 * more (every create that was in Kafka after they were parked has been consumed), as the consumer would
 * have dead-lettered them (`<original topic>.dlq`, code PRODUCT_NOT_FOUND, original headers and
 * position), and forgets their ids as processed, like any rejected command. A row is deleted in the transaction that locked it, and only after Kafka acknowledged
 * its dead letter: if the send fails, the rows stay for the next round; if the process dies after
 * the send, the dead letter is sent again (at least once). Rows are locked SKIP LOCKED, so a second
 * writer instance sweeps other rows, and a create that wants a row being swept waits for the
 * outcome (then the row is gone, and the command is not applied as well).
 */
export function startParkingSweeper(options: ParkingSweeperOptions): ParkingSweeper {
  const { pool, producer, log, windowMs, metrics } = options;
  const intervalMs = options.intervalMs ?? sweepInterval(windowMs);
  const batchSize = options.batchSize ?? 500;
  const retry = options.retry ?? { initialMs: 200, maxMs: 5_000 };
  let stopping = false;
  let wake: (() => void) | undefined;

  const sweep = (): Promise<number> =>
    inTransaction(pool, async (tx) => {
      const caughtUp = options.createsCaughtUpSince();
      if (!caughtUp) return 0;
      const expired = await lockExpiredCommands(tx, windowMs, caughtUp, batchSize);
      if (expired.length === 0) return 0;
      await Promise.all(
        expired.map(({ productId, origin }) =>
          sendToDeadLetter(producer, {
            topic: origin.topic,
            partition: origin.partition,
            message: {
              key: Buffer.from(productId),
              value: origin.value,
              headers: { ...origin.headers },
              offset: origin.offset,
              timestamp: String(Date.now()),
              attributes: 0,
            },
            error: writerErrors.PRODUCT_NOT_FOUND(productId),
            attempts: 1,
          }),
        ),
      );
      await deleteParkedCommands(
        tx,
        expired.map((e) => e.sequence),
      );
      // Dead-lettered, so not processed: a dead letter sent back to its topic (a redrive, once
      // the product exists) is applied rather than taken for a redelivery.
      await forgetCommands(
        tx,
        expired.map((e) => e.commandId),
      );
      for (const { origin } of expired) metrics?.deadLettered.inc({ topic: origin.topic });
      log.warn({ count: expired.length, windowMs }, 'parked commands dead-lettered: their create never came');
      return expired.length;
    });

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const loop = async () => {
    let failures = 0;
    while (!stopping) {
      let delayMs = intervalMs;
      try {
        const swept = await sweep();
        failures = 0;
        if (swept === batchSize) continue;
      } catch (error) {
        failures++;
        delayMs = Math.max(intervalMs, backoffDelay(retry, failures));
        log.warn({ err: error, failures, delayMs }, 'parked command sweep failed, retrying');
      }
      if (!stopping) await pause(delayMs);
    }
  };
  const running = loop();

  return {
    sweep,
    stop: async () => {
      stopping = true;
      wake?.();
      await running;
    },
  };
}
