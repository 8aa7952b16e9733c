import type { KafkaMetrics } from '@cqrs-products/metrics';
import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { type BackoffPolicy, backoffDelay, sleep } from './backoff.js';
import type { KafkaLog } from './client.js';
import { sendToDeadLetter } from './dead-letter.js';
import { classifyFailure, type FailureKind } from './failure.js';
import { superviseConsumer } from './supervise.js';

export interface ReceivedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

export type MessageOutcome = 'success' | 'retried' | 'dead-lettered';

export interface RetryPolicy {
  /** Attempts in place (partition keeps its position) before pausing or dead-lettering. */
  readonly attempts: number;
  /** Delay between attempts in place. */
  readonly backoff: BackoffPolicy;
  /** How long a partition stays paused between rounds of attempts, growing while it keeps failing. */
  readonly pause: BackoffPolicy;
  /**
   * Paused rounds an `unknown` failure gets before it is dead-lettered. Pausing, unlike waiting
   * in place, lets the consumer fetch and handle other partitions meanwhile, which is what an
   * out-of-order message (an update ahead of its create) needs to succeed. Transient failures
   * pause for as many rounds as the outage lasts.
   */
  readonly pauseRounds: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 3,
  backoff: { initialMs: 100, maxMs: 1_000 },
  pause: { initialMs: 1_000, maxMs: 30_000 },
  pauseRounds: 2,
};

export interface ConsumerRunnerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Resolves when the message is fully handled; only then is its offset committed. */
  readonly handle: (received: ReceivedMessage) => Promise<void>;
  /** Sends poison messages to `<topic>.dlq`. */
  readonly deadLetterProducer: Producer;
  readonly log: KafkaLog;
  readonly classify?: (error: unknown) => FailureKind;
  /**
   * Asked before an `unknown` failure is dead-lettered: while a dependency is down, failures are
   * the dependency's fault, not the message's, and the message must wait instead.
   */
  readonly dependenciesHealthy?: () => Promise<boolean>;
  readonly retry?: RetryPolicy;
  /** Called once per handled message (metrics). */
  readonly onOutcome?: (received: ReceivedMessage, outcome: MessageOutcome) => void;
  readonly fromBeginning?: boolean;
  /**
   * How long the group waits for a silent member before giving its partitions to others. kafkajs
   * defaults to 30 s, which after a broker restart held this consumer's partitions for half a
   * minute; 10 s (heartbeat every 3 s) still leaves room for in-place retries, which heartbeat.
   */
  readonly sessionTimeoutMs?: number;
  /**
   * Partitions handled at the same time (each still one message at a time, in order), so a slow
   * message on one partition does not hold up the others of the same fetch.
   */
  readonly partitionsConsumedConcurrently?: number;
  /** Outcome counts and per-partition lag (packages/metrics `kafkaMetrics`). */
  readonly metrics?: KafkaMetrics;
}

export interface ConsumerRunner {
  readonly consumer: Consumer;
  /** Stops fetching, lets the in-flight message finish or give up, and leaves the group. */
  stop(): Promise<void>;
}

type Attempted =
  | { readonly kind: 'done'; readonly attempts: number }
  | { readonly kind: 'dead-letter'; readonly attempts: number; readonly error: unknown }
  | { readonly kind: 'wait'; readonly error: unknown; readonly failure: FailureKind };

/**
 * At-least-once consumption with a bounded answer for every message, one at a time per partition:
 * - success: the offset is committed;
 * - poison, or an unknown failure after bounded rounds of retries while dependencies are healthy:
 *   the message goes to `<topic>.dlq`, then the offset is committed so the partition keeps flowing;
 * - transient failure: nothing is committed; the partition is paused and rewound to the message,
 *   then resumed after a growing delay, so a dependency outage neither loses nor spins.
 */
export function startConsumer(options: ConsumerRunnerOptions): Promise<ConsumerRunner> {
  return superviseConsumer(() => startConsumerOnce(options), options.log);
}

async function startConsumerOnce(options: ConsumerRunnerOptions): Promise<ConsumerRunner> {
  const { kafka, groupId, topics, handle, log, metrics } = options;
  const outcome = (received: ReceivedMessage, result: MessageOutcome): void => {
    metrics?.consumed.inc({ topic: received.topic, outcome: result.replace('-', '_') });
    options.onOutcome?.(received, result);
  };
  const classify = options.classify ?? classifyFailure;
  const retry = options.retry ?? defaultRetryPolicy;
  // A short fetch wait: when every partition is paused, kafkajs sleeps this long before it looks
  // again, so it bounds how late a resumed partition is picked up (an idle long-poll on the
  // broker returns as soon as data arrives either way).
  const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 500,
    sessionTimeout,
    heartbeatInterval: Math.floor(sessionTimeout / 3),
  });
  /**
   * Failures so far of the message at the head of each partition (one in flight per partition).
   * `rounds` sets the pause; only `unknownRounds` count towards dead-lettering, so the rounds a
   * message spent waiting out an outage do not use up the chances it gets once the outage is over
   * (an update waiting for its create, after PostgreSQL was down for a while).
   */
  const failing = new Map<string, FailingState>();
  const resumeTimers = new Set<NodeJS.Timeout>();
  let stopping = false;

  const attempt = async (received: ReceivedMessage, heartbeat: () => Promise<void>): Promise<Attempted> => {
    const key = partitionKey(received);
    const state = failing.get(key) ?? newFailingState();
    for (let inPlace = 1; ; inPlace++) {
      try {
        await handle(received);
        failing.delete(key);
        return { kind: 'done', attempts: state.attempts + 1 };
      } catch (error) {
        state.attempts++;
        const kind = classify(error);
        if (kind === 'permanent') return deadLetter(key, state.attempts, error);
        if (inPlace < retry.attempts && !stopping) {
          log.warn({ ...where(received), attempts: state.attempts, err: error }, 'message failed, retrying');
          await sleep(backoffDelay(retry.backoff, inPlace));
          await heartbeat();
          continue;
        }
        if (kind === 'unknown' && state.unknownRounds >= retry.pauseRounds && (await healthy())) {
          return deadLetter(key, state.attempts, error);
        }
        failing.set(key, state);
        return { kind: 'wait', error, failure: kind };
      }
    }
  };

  const deadLetter = (key: string, attempts: number, error: unknown): Attempted => {
    failing.delete(key);
    return { kind: 'dead-letter', attempts, error };
  };

  const healthy = async (): Promise<boolean> =>
    options.dependenciesHealthy ? options.dependenciesHealthy().catch(() => false) : true;

  /** Rewinds the partition to this message and pauses it; a timer resumes it later. */
  const waitAndRetry = (received: ReceivedMessage, error: unknown, failure: FailureKind): void => {
    const state = failing.get(partitionKey(received)) ?? newFailingState();
    state.rounds++;
    if (failure === 'unknown') state.unknownRounds++;
    failing.set(partitionKey(received), state);
    const delay = backoffDelay(retry.pause, state.rounds);
    log.warn(
      { ...where(received), round: state.rounds, delayMs: delay, err: error },
      'message failed, pausing partition before the next round',
    );
    const partition = [{ topic: received.topic, partitions: [received.partition] }];
    consumer.pause(partition);
    consumer.seek({ topic: received.topic, partition: received.partition, offset: received.message.offset });
    const timer = setTimeout(() => {
      resumeTimers.delete(timer);
      if (!stopping) consumer.resume(partition);
    }, delay);
    resumeTimers.add(timer);
  };

  if (metrics) {
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      metrics.lag.set(
        { topic: payload.topic, partition: String(payload.partition) },
        Number(payload.offsetLag),
      );
    });
  }
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
    eachMessage: async ({ topic, partition, message, heartbeat }) => {
      const received = { topic, partition, message };
      const result = await attempt(received, heartbeat);
      if (result.kind === 'wait') {
        outcome(received, 'retried');
        return waitAndRetry(received, result.error, result.failure);
      }
      if (result.kind === 'dead-letter') {
        try {
          await sendToDeadLetter(options.deadLetterProducer, { ...received, ...result });
        } catch (error) {
          // Without a dead-letter record the message must not be skipped: try again later.
          outcome(received, 'retried');
          return waitAndRetry(received, error, 'transient');
        }
        log.error(
          { ...where(received), attempts: result.attempts, err: result.error },
          'message dead-lettered',
        );
      }
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      outcome(received, result.kind === 'done' ? 'success' : 'dead-lettered');
    },
  });

  return {
    consumer,
    stop: async () => {
      stopping = true;
      for (const timer of resumeTimers) clearTimeout(timer);
      await consumer.disconnect();
    },
  };
}

interface FailingState {
  rounds: number;
  unknownRounds: number;
  attempts: number;
}
const newFailingState = (): FailingState => ({ rounds: 0, unknownRounds: 0, attempts: 0 });

const where = ({ topic, partition, message }: ReceivedMessage) => ({
  topic,
  partition,
  offset: message.offset,
});
const partitionKey = ({ topic, partition }: ReceivedMessage) => `${topic}:${partition}`;
