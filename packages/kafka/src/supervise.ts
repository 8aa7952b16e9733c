import { type BackoffPolicy, backoffDelay } from './backoff.js';
import type { KafkaLog } from './client.js';
import type { ConsumerRunner } from './consumer-types.js';
import type { ConsumerHealth } from './liveness.js';

const defaultRestartDelay: BackoffPolicy = { initialMs: 1_000, maxMs: 15_000 };

export interface SuperviseOptions {
  readonly restartDelay?: BackoffPolicy;
  /** How often the runner's health is looked at (default 1 s). */
  readonly checkIntervalMs?: number;
  /** How long a replaced runner may take to stop before its replacement starts anyway (10 s). */
  readonly stopTimeoutMs?: number;
  /** How long starting a replacement may take before it is given up and tried again (30 s). */
  readonly startTimeoutMs?: number;
  /** Called with each replacement's reason (metrics). */
  readonly onRestart?: (reason: string) => void;
  /** Called with the current runner's health at every check (metrics). */
  readonly onCheck?: (health: ConsumerHealth) => void;
}

/**
 * kafkajs restarts a crashed consumer by itself only when the error is retriable, and even then
 * it can stay disconnected for good (a join refused as "supported protocols are incompatible"
 * left the writer consuming nothing while /ready said yes). So the consumer is replaced with a
 * fresh runner whenever kafkajs gives up (a crash with restart: false) AND whenever the runner's
 * own health says it stalled (not a member, or not fetching, for too long), whatever kafkajs
 * meant to do. Its uncommitted messages are redelivered; consumers are idempotent (processed
 * command ids, version checks), so that is harmless.
 */
export async function superviseConsumer(
  startRunner: () => Promise<ConsumerRunner>,
  log: KafkaLog,
  options: SuperviseOptions = {},
): Promise<ConsumerRunner> {
  const restartDelay = options.restartDelay ?? defaultRestartDelay;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
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

  const restart = (runner: ConsumerRunner, reason: string, err?: unknown) => {
    if (stopping || restarting || runner !== current) return;
    log.error({ err, reason }, 'consumer stopped consuming, starting a new one');
    options.onRestart?.(reason);
    restarting = replace(runner).finally(() => {
      restarting = undefined;
    });
  };

  const watch = (runner: ConsumerRunner): ConsumerRunner => {
    runner.consumer.on(runner.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) restart(runner, 'crashed for good', payload.error);
    });
    return runner;
  };

  /**
   * A start that never settles (a connect or join waiting on a broker that came back with other
   * metadata) would leave the consumer "being replaced" for good, with nothing left to notice:
   * the health check does not restart while a replacement is under way. So a start has a bound;
   * one that completes after it is stopped again, never left consuming unsupervised.
   */
  const startInTime = (): Promise<ConsumerRunner> => {
    let timedOut = false;
    const starting = startRunner();
    starting.then(
      (late) => {
        if (timedOut) void late.stop().catch(() => {});
      },
      () => {},
    );
    return Promise.race([
      starting,
      new Promise<never>((_, reject) =>
        setTimeout(() => {
          timedOut = true;
          reject(new Error(`the new consumer did not start within ${startTimeoutMs} ms`));
        }, startTimeoutMs).unref(),
      ),
    ]);
  };

  const replace = async (crashed: ConsumerRunner): Promise<void> => {
    // A kafkajs consumer told to disconnect while it restarts itself after a crash can wait for
    // good: the fault suite's writer sat "being replaced" for minutes after a broker outage, its
    // commands unconsumed. The old consumer is left to finish disconnecting on its own; a
    // straggler that rejoins only shares the group (consumers are idempotent).
    const stopped = await Promise.race([
      crashed.stop().then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), stopTimeoutMs).unref()),
    ]);
    if (!stopped)
      log.warn({ stopTimeoutMs }, 'the stalled consumer did not stop in time, starting a new one anyway');
    for (let attempt = 1; !stopping; attempt++) {
      await wait(backoffDelay(restartDelay, attempt));
      if (stopping) return;
      try {
        current = watch(await startInTime());
        log.warn({ attempt }, 'consumer restarted');
        return;
      } catch (error) {
        log.warn({ attempt, err: error }, 'consumer restart failed, trying again');
      }
    }
  };

  let current = watch(await startRunner());
  const healthCheck = setInterval(() => {
    const health = current.health();
    options.onCheck?.(health);
    if (health.stalled) restart(current, health.stalled);
  }, options.checkIntervalMs ?? 1_000);
  healthCheck.unref();

  return {
    get consumer() {
      return current.consumer;
    },
    // While a replacement is being started, nothing consumes: that is a stall too.
    health: () => {
      const health = current.health();
      return restarting && !health.stalled ? { ...health, stalled: 'being replaced' } : health;
    },
    stop: async () => {
      stopping = true;
      clearInterval(healthCheck);
      interruptWait?.();
      await restarting;
      await current.stop();
    },
  };
}

/** A readiness check (packages/probes) that fails while the consumer does not consume. */
export function consumerReadiness(runner: Pick<ConsumerRunner, 'health'>): () => Promise<void> {
  return async () => {
    const { stalled } = runner.health();
    if (stalled) throw new Error(`consumer stalled: ${stalled}`);
  };
}
