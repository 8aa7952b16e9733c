/**
 * Why an item was refused without being sent: the queue was full, the batcher is stopping, or
 * the target is unavailable (a send failed and is being retried, or has been in flight for
 * longer than `stalledAfterMs`).
 */
export type RefusalReason = 'queue_full' | 'stopping' | 'unavailable';

const refusalMessages: Record<RefusalReason, string> = {
  queue_full: 'too many messages are waiting to be sent',
  stopping: 'the publisher is stopping',
  unavailable: 'the messages cannot be sent now: the last send failed or has not been answered yet',
};

/** The item was not queued, or was taken out of the queue, and will never be sent; retry later. */
export class BatcherRefusedError extends Error {
  override readonly name = 'BatcherRefusedError';

  constructor(readonly reason: RefusalReason) {
    super(refusalMessages[reason]);
  }
}

export interface BatchingLimits {
  /** How long the oldest waiting item may wait for company before its batch is sent. */
  readonly lingerMs: number;
  /** Most items in one send. */
  readonly maxBatch: number;
  /** Most items waiting for a send; one more is refused at once (back-pressure). */
  readonly maxQueued: number;
  /** Most bytes (as `weigh` counts them) in one send; an item heavier than this goes alone. */
  readonly maxBatchBytes?: number;
  /**
   * A send in flight this long means the target is unavailable: what waits behind it is refused
   * (`unavailable`) instead of waiting for an answer that may take the whole outage.
   */
  readonly stalledAfterMs?: number;
}

export interface BatcherOptions<T> extends BatchingLimits {
  /** Sends one batch, resolving once all of it is acknowledged. Never called while a send is in flight. */
  readonly send: (batch: readonly T[]) => Promise<void>;
  readonly weigh?: (item: T) => number;
  /**
   * Whether a failed send is sent again, the same batch, instead of failing its callers: for a
   * failure after which the target may hold the batch anyway (no answer), so a refusal could be
   * a lie. Until a send is acknowledged again the batcher is unavailable. Default: never.
   */
  readonly resendAfter?: (error: unknown) => boolean;
  /** Pause before sending a failed batch again. */
  readonly resendDelayMs?: number;
  readonly onResend?: (error: unknown, size: number) => void;
  readonly onBatch?: (size: number) => void;
  readonly onQueued?: (count: number) => void;
  readonly onRefused?: (reason: RefusalReason) => void;
}

export interface Batcher<T> {
  /** Resolves when the batch holding `item` is acknowledged; rejects with its send's error or a refusal. */
  submit(item: T): Promise<void>;
  /** Items waiting for a send (not counting the batch in flight). */
  readonly queued: number;
  /** Refuses new items, sends everything queued without lingering, resolves once nothing is in flight. */
  stop(): Promise<void>;
}

interface Waiting<T> {
  readonly item: T;
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers concurrent items into batches and sends one batch at a time, in submission order.
 *
 * One send in flight is what keeps order: a later item is in the same batch as an earlier one or
 * in a batch sent after it was acknowledged. It is also what makes batches grow with load: while
 * one batch flies, the next one gathers. A batch is cut when it is full, when its oldest item has
 * lingered `lingerMs`, or at once while stopping.
 *
 * While the target is unavailable (the send in flight stalled, or failed and is sent again) only
 * that batch stays: its items may be written already, so only the target's answer can settle
 * them. Everything queued behind it was never sent and is refused at once, as is anything new,
 * until a send is acknowledged; so an outage costs callers a fast refusal, not a long wait.
 */
export function createBatcher<T>(options: BatcherOptions<T>): Batcher<T> {
  const { lingerMs, maxBatch, maxQueued, send } = options;
  const maxBytes = options.maxBatchBytes ?? Number.POSITIVE_INFINITY;
  const weigh = options.weigh ?? (() => 0);
  const resendAfter = options.resendAfter ?? (() => false);
  const queue: Waiting<T>[] = [];
  let queuedBytes = 0;
  let inFlight = false;
  // The oldest waiting item has waited lingerMs (or waited through a whole batch that was cut full).
  let lingered = false;
  let timer: NodeJS.Timeout | undefined;
  let stalledTimer: NodeJS.Timeout | undefined;
  let unavailable = false;
  let stopping = false;
  let stopped: Promise<void> | undefined;
  let onIdle: (() => void) | undefined;

  const ready = () => stopping || lingered || queue.length >= maxBatch || queuedBytes >= maxBytes;

  const cut = (): Waiting<T>[] => {
    let bytes = 0;
    let count = 0;
    for (const waiting of queue) {
      if (count === maxBatch || (count > 0 && bytes + waiting.bytes > maxBytes)) break;
      bytes += waiting.bytes;
      count += 1;
    }
    queuedBytes -= bytes;
    return queue.splice(0, count);
  };

  const refusal = (reason: RefusalReason): BatcherRefusedError => {
    options.onRefused?.(reason);
    return new BatcherRefusedError(reason);
  };

  const becomeUnavailable = (): void => {
    unavailable = true;
    clearTimeout(timer);
    timer = undefined;
    lingered = false;
    queuedBytes = 0;
    for (const waiting of queue.splice(0)) waiting.reject(refusal('unavailable'));
    options.onQueued?.(0);
  };

  const attempt = (batch: readonly Waiting<T>[]): void => {
    if (options.stalledAfterMs !== undefined && !unavailable) {
      stalledTimer = setTimeout(becomeUnavailable, options.stalledAfterMs);
    }
    (async () => send(batch.map((waiting) => waiting.item)))().then(
      () => settle(batch, (waiting) => waiting.resolve()),
      (error: unknown) => {
        clearTimeout(stalledTimer);
        // Stopping ends the resends: the process is going, and its callers need an answer.
        if (!stopping && resendAfter(error)) {
          options.onResend?.(error, batch.length);
          becomeUnavailable();
          setTimeout(() => attempt(batch), options.resendDelayMs ?? 0);
          return;
        }
        settle(batch, (waiting) => waiting.reject(error));
      },
    );
  };

  const pump = (): void => {
    if (inFlight) return;
    if (queue.length === 0) {
      onIdle?.();
      return;
    }
    if (!ready()) return;
    clearTimeout(timer);
    timer = undefined;
    const batch = cut();
    // What is left of a queue longer than a batch has waited as long as that batch: it goes as
    // soon as the batch is acknowledged, without a fresh linger.
    lingered = queue.length > 0;
    inFlight = true;
    options.onBatch?.(batch.length);
    options.onQueued?.(queue.length);
    attempt(batch);
  };

  const settle = (batch: readonly Waiting<T>[], outcome: (waiting: Waiting<T>) => void): void => {
    clearTimeout(stalledTimer);
    // The target answered (an ack, or a failure that is final): new items may try again.
    unavailable = false;
    inFlight = false;
    for (const waiting of batch) outcome(waiting);
    pump();
  };

  return {
    submit(item) {
      if (stopping) return Promise.reject(refusal('stopping'));
      if (unavailable) return Promise.reject(refusal('unavailable'));
      if (queue.length >= maxQueued) return Promise.reject(refusal('queue_full'));
      return new Promise<void>((resolve, reject) => {
        const bytes = weigh(item);
        queue.push({ item, bytes, resolve, reject });
        queuedBytes += bytes;
        options.onQueued?.(queue.length);
        // The clock starts when the item arrives, even while a batch is in flight.
        if (!lingered && timer === undefined) {
          timer = setTimeout(() => {
            timer = undefined;
            lingered = true;
            pump();
          }, lingerMs);
        }
        pump();
      });
    },
    get queued() {
      return queue.length;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        stopping = true;
        onIdle = resolve;
        pump();
        if (!inFlight && queue.length === 0) resolve();
      });
      return stopped;
    },
  };
}
