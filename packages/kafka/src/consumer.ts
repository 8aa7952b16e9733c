import type { EachBatchPayload } from 'kafkajs';
import { withMessageSpans } from './consumer-spans.js';
import {
  type BatchContext,
  type ConsumerRunner,
  type ConsumerRunnerOptions,
  defaultRetryPolicy,
  type HandleBatch,
  type MessageOutcome,
  type MessageVerdict,
  type ReceivedMessage,
} from './consumer-types.js';
import { sendToDeadLetter } from './dead-letter.js';
import { classifyFailure } from './failure.js';
import { fetchLimits } from './fetch-limits.js';
import { startLagMonitor } from './lag.js';
import { trackLiveness } from './liveness.js';
import { createMessageRetries, where } from './message-retries.js';
import { stoppedConsumerError } from './stopped-consumer.js';
import { superviseConsumer } from './supervise.js';

/**
 * At-least-once consumption in batches, with a bounded answer for every message:
 * - a batch the handler accepts is committed as one offset, after its dead letters were acked;
 * - a transient failure (a dependency down) commits nothing; the partition is paused and rewound
 *   to the first unhandled message, then resumed after a growing delay: neither lost nor spinning;
 * - any other failure of a batch retries it one message at a time, so only the culprit gets the
 *   per-message policy (attempts in place, paused rounds, then `<topic>.dlq` while dependencies
 *   are healthy; `permanent` at once) and its neighbours cost one retry, not a stall.
 */
export function startConsumer(options: ConsumerRunnerOptions): Promise<ConsumerRunner> {
  const { metrics } = options;
  return superviseConsumer(() => startConsumerOnce(options), options.log, {
    onRestart: () => metrics?.restarts.inc(),
    onCheck: (health) => metrics?.member.set(health.member ? 1 : 0),
  });
}

async function startConsumerOnce(options: ConsumerRunnerOptions): Promise<ConsumerRunner> {
  const { kafka, groupId, topics, log, metrics } = options;
  const outcome = (received: ReceivedMessage, result: MessageOutcome): void => {
    metrics?.consumed.inc({ topic: received.topic, outcome: result.replace('-', '_') });
    options.onOutcome?.(received, result);
  };
  const classify = options.classify ?? classifyFailure;
  const retry = options.retry ?? defaultRetryPolicy;
  const handleBatch = batchHandlerOf(options);
  const maxBatchSize = options.handle ? 1 : (options.maxBatchSize ?? 500);
  const sessionTimeout = options.sessionTimeoutMs ?? 10_000;
  const heartbeatInterval = Math.floor(sessionTimeout / 3);
  const consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    // A short fetch wait: when every partition is paused, kafkajs sleeps this long before it looks
    // again, so it bounds how late a resumed partition is picked up (an idle long-poll on the
    // broker returns as soon as data arrives either way).
    maxWaitTimeInMs: 500,
    // See `sessionTimeoutMs` (consumer-types.ts) for why 10 s; heartbeats every third of it.
    sessionTimeout,
    heartbeatInterval,
    ...fetchLimits(maxBatchSize),
  });
  const liveness = trackLiveness(consumer, { stallAfterMs: options.stallAfterMs ?? 30_000 });
  consumer.on(consumer.events.GROUP_JOIN, () => metrics?.joins.inc());
  let stopping = false;
  const retries = createMessageRetries({
    consumer,
    retry,
    classify,
    dependenciesHealthy: options.dependenciesHealthy,
    log,
    stopping: () => stopping,
  });

  /**
   * Runs the handler with a heartbeat timer: a batch may take longer than the session timeout
   * (a slow database), and a member that stops heartbeating is evicted and its batch redone.
   */
  const run = async (messages: readonly ReceivedMessage[], context: BatchContext) => {
    const timer = setInterval(() => {
      liveness.progress();
      void context.heartbeat().catch(() => {});
    }, heartbeatInterval);
    try {
      const verdicts = await withMessageSpans(messages, (traced) => handleBatch(traced, context));
      if (verdicts && verdicts.length !== messages.length)
        throw new Error(`batch handler answered ${verdicts.length} verdicts for ${messages.length} messages`);
      return verdicts;
    } finally {
      clearInterval(timer);
    }
  };

  const commit = async (last: ReceivedMessage, payload: EachBatchPayload): Promise<void> => {
    const { topic, partition, message } = last;
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
    payload.resolveOffset(message.offset);
  };

  /** Sends the dead letters of a handled chunk; false if the broker refused (then nothing commits). */
  const sendDeadLetters = async (dead: readonly DeadLetterItem[]): Promise<boolean> => {
    try {
      for (const item of dead) await sendToDeadLetter(options.deadLetterProducer, item);
    } catch (error) {
      // Without a dead-letter record the message must not be skipped: redo the chunk later
      // (handlers are idempotent, so what it applied already changes nothing the second time).
      for (const item of dead) outcome(item, 'retried');
      const first = dead[0];
      if (first) retries.waitAndRetry(first, error, 'transient');
      return false;
    }
    for (const item of dead)
      log.error({ ...where(item), attempts: item.attempts, err: item.error }, 'message dead-lettered');
    return true;
  };

  /** One message at a time, as the fallback for a failed batch and for a failing head message. */
  const handleOneByOne = async (
    chunk: readonly ReceivedMessage[],
    payload: EachBatchPayload,
  ): Promise<boolean> => {
    for (const received of chunk) {
      if (stopping || !payload.isRunning() || payload.isStale()) return false;
      const result = await retries.attempt(
        received,
        async () => (await run([received], payload))?.[0] ?? done,
        payload,
      );
      if (result.kind === 'wait') {
        outcome(received, 'retried');
        retries.waitAndRetry(received, result.error, result.failure);
        return false;
      }
      if (result.kind === 'dead-letter' && !(await sendDeadLetters([{ ...received, ...result }])))
        return false;
      await commit(received, payload);
      outcome(received, result.kind === 'done' ? 'success' : 'dead-lettered');
    }
    return true;
  };

  /** Handles a chunk as one batch; false when the partition was paused (stop this fetch's batch). */
  const handleChunk = async (
    chunk: readonly ReceivedMessage[],
    payload: EachBatchPayload,
  ): Promise<boolean> => {
    const first = chunk[0];
    const last = chunk.at(-1);
    if (!first || !last) return true;
    if (chunk.length === 1) return handleOneByOne(chunk, payload);
    // A head message that failed on its own before is retried alone until it is resolved; the
    // messages behind it go on as a batch.
    if (retries.headFailed(first)) {
      if (!(await handleOneByOne([first], payload))) return false;
      return handleChunk(chunk.slice(1), payload);
    }
    let verdicts: readonly MessageVerdict[] | undefined;
    try {
      verdicts = await run(chunk, payload);
    } catch (error) {
      if (classify(error) === 'transient' || stopping) {
        for (const received of chunk) outcome(received, 'retried');
        retries.waitAndRetry(first, error, 'transient');
        return false;
      }
      log.warn(
        { ...where(first), messages: chunk.length, err: error },
        'batch failed, retrying its messages one at a time',
      );
      return handleOneByOne(chunk, payload);
    }
    const dead: DeadLetterItem[] = [];
    chunk.forEach((received, index) => {
      const verdict = verdicts?.[index];
      if (verdict?.kind === 'dead-letter') dead.push({ ...received, error: verdict.error, attempts: 1 });
    });
    if (dead.length > 0 && !(await sendDeadLetters(dead))) return false;
    await commit(last, payload);
    retries.resolved(first);
    const deadSet = new Set(dead.map((item) => item.message.offset));
    for (const received of chunk)
      outcome(received, deadSet.has(received.message.offset) ? 'dead-lettered' : 'success');
    return true;
  };

  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
    eachBatch: (payload) => {
      if (stopping) throw stoppedConsumerError();
      return liveness.working(() => handleFetchedBatch(payload));
    },
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    if (stopping)
      log.warn({ groupId }, 'a stopped consumer joined its group again; it leaves at its first batch');
  });
  // Lag from the group's committed offsets, so it stays true while this member is not one.
  const lag = metrics ? startLagMonitor({ kafka, groupId, topics, metrics, log }) : undefined;

  async function handleFetchedBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const received = batch.messages.map((message) => ({
      topic: batch.topic,
      partition: batch.partition,
      message,
    }));
    for (let start = 0; start < received.length; start += maxBatchSize) {
      // After a rebalance or a seek the rest of this fetch is not ours to handle any more.
      if (stopping || !payload.isRunning() || payload.isStale()) return;
      if (!(await handleChunk(received.slice(start, start + maxBatchSize), payload))) return;
    }
  }

  return {
    consumer,
    health: liveness.health,
    stop: async () => {
      stopping = true;
      retries.stop();
      await lag?.stop();
      await consumer.disconnect();
    },
  };
}

const done: MessageVerdict = { kind: 'done' };

function batchHandlerOf({ handle, handleBatch }: ConsumerRunnerOptions): HandleBatch {
  if (handleBatch && !handle) return handleBatch;
  if (!handle || handleBatch) throw new Error('startConsumer needs exactly one of handle and handleBatch');
  return async (messages) => {
    for (const received of messages) await handle(received);
    return undefined;
  };
}

interface DeadLetterItem extends ReceivedMessage {
  readonly error: unknown;
  readonly attempts: number;
}
