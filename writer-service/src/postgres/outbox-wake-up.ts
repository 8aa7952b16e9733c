import type { Logger } from '@cqrs-products/logger';
import type pg from 'pg';

export interface WakeUps {
  /**
   * Resolves after `ms`, or earlier when a notification arrives (also one that arrived since the
   * last wait, so a commit during a batch is not missed) or on wakeNow().
   */
  wait(ms: number, options?: { ignoreNotifications?: boolean }): Promise<void>;
  wakeNow(): void;
  close(): Promise<void>;
}

/**
 * LISTEN on a connection held from the pool. If that connection breaks, waits fall back to their
 * timeout (polling) and the next wait tries to listen again, so a lost connection only adds latency.
 */
export async function listenForWakeUps(options: {
  pool: pg.Pool;
  channel: string;
  log: Logger;
}): Promise<WakeUps> {
  const { pool, channel, log } = options;
  let listener: pg.PoolClient | undefined;
  let connecting: Promise<void> | undefined;
  let notified = false;
  let closed = false;
  let interrupt: ((byNotification: boolean) => void) | undefined;

  const onNotification = () => {
    notified = true;
    interrupt?.(true);
  };

  const listen = async () => {
    const client = await pool.connect();
    client.on('notification', onNotification);
    client.on('error', (error) => {
      log.warn({ err: error }, 'outbox LISTEN connection lost, polling until it is back');
      if (listener === client) listener = undefined;
      client.release(error);
    });
    try {
      await client.query(`LISTEN ${channel}`);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    listener = client;
  };

  const relisten = () => {
    if (listener || connecting || closed) return;
    connecting = listen()
      .catch((error: unknown) => log.debug({ err: error }, 'outbox LISTEN not possible yet'))
      .finally(() => {
        connecting = undefined;
      });
  };

  await listen();

  return {
    wait: (ms, { ignoreNotifications = false } = {}) => {
      relisten();
      if (!ignoreNotifications && notified) {
        notified = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          interrupt = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        interrupt = (byNotification) => {
          if (byNotification && ignoreNotifications) return;
          notified = false;
          done();
        };
      });
    },
    wakeNow: () => {
      notified = true;
      interrupt?.(false);
    },
    close: async () => {
      closed = true;
      await connecting;
      const client = listener;
      listener = undefined;
      if (!client) return;
      await client.query(`UNLISTEN ${channel}`).catch(() => {});
      client.release();
    },
  };
}
