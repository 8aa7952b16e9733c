import type { KafkaMetrics } from '@cqrs-products/metrics';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { BackoffPolicy } from './backoff.js';
import type { KafkaLog } from './client.js';
import type { FailureKind } from './failure.js';
import type { ConsumerHealth } from './liveness.js';
import type { Producer } from './renewing-producer.js';

export interface ReceivedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  /**
   * W3C trace headers of this message's `process` span (set by the runner; empty with tracing
   * off): store them with work that continues later so it stays in the message's trace.
   */
  readonly traceHeaders?: Readonly<Record<string, string>>;
}

export type MessageOutcome = 'success' | 'retried' | 'dead-lettered';

/** The handler's answer for one message of a batch. */
export type MessageVerdict =
  | { readonly kind: 'done' }
  /** Sent to `<topic>.dlq` with the error in its headers, then its offset is committed. */
  | { readonly kind: 'dead-letter'; readonly error: unknown };

export interface BatchContext {
  /** Keeps the group membership alive; the runner also heartbeats on a timer while a handler runs. */
  heartbeat(): Promise<void>;
}

/**
 * `messages` all come from one topic-partition, in offset order, at most `maxBatchSize` of them.
 * Resolves with one verdict per message in the same order (undefined: all done), or throws to
 * fail the whole batch (see `startConsumer` for what the runner does then).
 */
export type HandleBatch = (
  messages: readonly ReceivedMessage[],
  context: BatchContext,
) => Promise<readonly MessageVerdict[] | undefined>;

export interface RetryPolicy {
  /** Attempts in place (partition keeps its position) before pausing or dead-lettering. */
  readonly attempts: number;
  /** Delay between attempts in place. */
  readonly backoff: BackoffPolicy;
  /** How long a partition stays paused between rounds of attempts, growing while it keeps failing. */
  readonly pause: BackoffPolicy;
  /**
   * Paused rounds an `unknown` failure gets before it is dead-lettered. Pausing, unlike waiting
   * in place, lets the consumer fetch and handle other partitions meanwhile. Transient failures
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

/** Exactly one of `handle` (a message at a time) and `handleBatch` is given. */
export interface ConsumerRunnerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
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
   * minute; with 10 s the runner's heartbeat timer (every third of it) keeps a member alive
   * through a batch that takes much longer than that.
   */
  readonly sessionTimeoutMs?: number;
  /** Partition batches handled at the same time (each partition still in order). */
  readonly partitionsConsumedConcurrently?: number;
  /** Bigger fetched batches are handled in chunks of at most this many messages (default 500). */
  readonly maxBatchSize?: number;
  /** Outcome counts and per-partition lag (packages/metrics `kafkaMetrics`). */
  readonly metrics?: KafkaMetrics;
  /** Not a member, or a member not fetching, for this long counts as stalled (default 30 s). */
  readonly stallAfterMs?: number;
  /** Resolves when the message is fully handled; its offset is committed after it alone. */
  readonly handle?: (received: ReceivedMessage) => Promise<void>;
  readonly handleBatch?: HandleBatch;
}

export interface ConsumerRunner {
  readonly consumer: Consumer;
  /** Membership and progress; `stalled` set means the supervisor replaces this consumer. */
  health(): ConsumerHealth;
  /** Stops fetching, lets the in-flight batch finish or give up, and leaves the group. */
  stop(): Promise<void>;
}
