import { type BackoffPolicy, backoffDelay } from './backoff.js';
import type { KafkaLog } from './client.js';
import type { ConsumerRunner } from './consumer-types.js';

const defaultRestartDelay: BackoffPolicy = { initialMs: 1_000, maxMs: 15_000 };

/**
 * kafkajs restarts a crashed consumer by itself only when the error is retriable (broker gone,
 * retries exhausted). For any other crash it stays disconnected and the service would silently
 * stop consuming while /ready (which pings the broker) still says yes. This starts a fresh runner
 * instead, with growing delays while that fails; its uncommitted messages are redelivered, and
 * consumers must be idempotent (processed command ids, version checks) for that to be harmless.
 */
export async function superviseConsumer(
  startRunner: () => Promise<ConsumerRunner>,
  log: KafkaLog,
  restartDelay: BackoffPolicy = defaultRestartDelay,
): Promise<ConsumerRunner> {
  let stopping = false;
  let restarting: Promise<void> | undefined;
  let interruptWait: (() => void) | undefined;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      interruptWait = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const watch = (runner: ConsumerRunner): ConsumerRunner => {
    runner.consumer.on(runner.consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || stopping || restarting) return;
      log.error({ err: payload.error }, 'consumer crashed for good, starting a new one');
      restarting = replace(runner).finally(() => {
        restarting = undefined;
      });
    });
    return runner;
  };

  const replace = async (crashed: ConsumerRunner): Promise<void> => {
    await crashed.stop().catch(() => {});
    for (let attempt = 1; !stopping; attempt++) {
      await wait(backoffDelay(restartDelay, attempt));
      if (stopping) return;
      try {
        current = watch(await startRunner());
        log.info({ attempt }, 'consumer restarted');
        return;
      } catch (error) {
        log.warn({ attempt, err: error }, 'consumer restart failed, trying again');
      }
    }
  };

  let current = watch(await startRunner());
  return {
    get consumer() {
      return current.consumer;
    },
    stop: async () => {
      stopping = true;
      interruptWait?.();
      await restarting;
      await current.stop();
    },
  };
}
