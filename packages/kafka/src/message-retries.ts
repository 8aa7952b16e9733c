import type { Consumer } from 'kafkajs';
import { backoffDelay, sleep } from './backoff.js';
import type { KafkaLog } from './client.js';
import type { BatchContext, MessageVerdict, ReceivedMessage, RetryPolicy } from './consumer-types.js';
import type { FailureKind } from './failure.js';

export type Attempted =
  | { readonly kind: 'done'; readonly attempts: number }
  | { readonly kind: 'dead-letter'; readonly attempts: number; readonly error: unknown }
  | { readonly kind: 'wait'; readonly error: unknown; readonly failure: FailureKind };

interface FailingState {
  rounds: number;
  unknownRounds: number;
  attempts: number;
}

export interface MessageRetriesOptions {
  readonly consumer: Consumer;
  readonly retry: RetryPolicy;
  readonly classify: (error: unknown) => FailureKind;
  readonly dependenciesHealthy?: (() => Promise<boolean>) | undefined;
  readonly log: KafkaLog;
  readonly stopping: () => boolean;
}

/**
 * The per-message retry policy: attempts in place, then the partition paused and rewound to the
 * message for growing rounds, then the dead-letter topic. State is kept per partition for the
 * message at its head. `rounds` sets the pause; only `unknownRounds` count towards
 * dead-lettering, so rounds spent waiting out an outage do not use up the chances a message gets
 * once the outage is over.
 */
export function createMessageRetries(options: MessageRetriesOptions) {
  const { consumer, retry, classify, log } = options;
  const failing = new Map<string, FailingState>();
  const resumeTimers = new Set<NodeJS.Timeout>();

  const healthy = async (): Promise<boolean> =>
    options.dependenciesHealthy ? options.dependenciesHealthy().catch(() => false) : true;

  const deadLetter = (key: string, attempts: number, error: unknown): Attempted => {
    failing.delete(key);
    return { kind: 'dead-letter', attempts, error };
  };

  return {
    /** Whether the head message of this partition failed on its own before (retry it alone). */
    headFailed: (received: ReceivedMessage): boolean =>
      (failing.get(partitionKey(received))?.attempts ?? 0) > 0,

    /** The partition's head was handled: its failures are forgotten. */
    resolved: (received: ReceivedMessage): void => {
      failing.delete(partitionKey(received));
    },

    /** Handles one message with the in-place attempts of the policy. */
    attempt: async (
      received: ReceivedMessage,
      handle: () => Promise<MessageVerdict>,
      context: BatchContext,
    ): Promise<Attempted> => {
      const key = partitionKey(received);
      const state = failing.get(key) ?? { rounds: 0, unknownRounds: 0, attempts: 0 };
      for (let inPlace = 1; ; inPlace++) {
        try {
          const verdict = await handle();
          failing.delete(key);
          state.attempts++;
          return verdict.kind === 'done'
            ? { kind: 'done', attempts: state.attempts }
            : { kind: 'dead-letter', attempts: state.attempts, error: verdict.error };
        } catch (error) {
          state.attempts++;
          const kind = classify(error);
          if (kind === 'permanent') return deadLetter(key, state.attempts, error);
          if (inPlace < retry.attempts && !options.stopping()) {
            log.warn(
              { ...where(received), attempts: state.attempts, err: error },
              'message failed, retrying',
            );
            await sleep(backoffDelay(retry.backoff, inPlace));
            await context.heartbeat();
            continue;
          }
          if (kind === 'unknown' && state.unknownRounds >= retry.pauseRounds && (await healthy()))
            return deadLetter(key, state.attempts, error);
          failing.set(key, state);
          return { kind: 'wait', error, failure: kind };
        }
      }
    },

    /** Rewinds the partition to this message and pauses it; a timer resumes it later. */
    waitAndRetry: (received: ReceivedMessage, error: unknown, failure: FailureKind): void => {
      const key = partitionKey(received);
      const state = failing.get(key) ?? { rounds: 0, unknownRounds: 0, attempts: 0 };
      state.rounds++;
      if (failure === 'unknown') state.unknownRounds++;
      failing.set(key, state);
      const delay = backoffDelay(retry.pause, state.rounds);
      log.warn(
        { ...where(received), round: state.rounds, delayMs: delay, err: error },
        'message failed, pausing partition before the next round',
      );
      const partition = [{ topic: received.topic, partitions: [received.partition] }];
      consumer.pause(partition);
      consumer.seek({
        topic: received.topic,
        partition: received.partition,
        offset: received.message.offset,
      });
      const timer = setTimeout(() => {
        resumeTimers.delete(timer);
        if (!options.stopping()) consumer.resume(partition);
      }, delay);
      resumeTimers.add(timer);
    },

    stop: (): void => {
      for (const timer of resumeTimers) clearTimeout(timer);
    },
  };
}

export const where = ({ topic, partition, message }: ReceivedMessage) => ({
  topic,
  partition,
  offset: message.offset,
});
const partitionKey = ({ topic, partition }: ReceivedMessage) => `${topic}:${partition}`;
