import { AsyncResource } from 'node:async_hooks';

export interface BatchOptions {
  /** Keys per call at most; a turn with more sends more calls. */
  readonly maxBatch: number;
  /** When a turn's batches go out; `setImmediate` (after the turn's I/O) unless a test drives it. */
  readonly schedule?: (flush: () => void) => void;
}

export interface LookupOptions {
  /**
   * The caller's async context must be the one the call is made in (a traced request: its trace
   * must show the call as its child). Such a caller leads the batch it joins; a batch has at most
   * one leader, so a second one opens a batch of its own.
   */
  readonly lead?: boolean;
}

/**
 * Lookups made before any call has taken them are gathered into one call per turn: the first one
 * opens a batch, the others of the same event-loop turn join it (a key already in an open batch
 * shares that key's answer), and the batches are sent once the turn's I/O is handled. A batch is
 * closed the moment it is sent, so every caller's call leaves after that caller asked: what it
 * reads is at least as new as a call of its own would have read. (Joining a call already in
 * flight could return a read made before the caller arrived, e.g. before an event it waits for
 * was applied; that is never done.)
 *
 * Why: a gRPC unary call costs the gateway several times the CPU of the rest of a GET
 * (bench/results/get-path-profile.md), and under load many GETs arrive in one turn.
 *
 * `sendMany` answers one value per key, in the order given. A batch's call runs in the async
 * context of its leader, or of the caller that opened it: never in another batch's (a traced
 * request's trace would show a call that is not its own).
 */
export function batchUnsent<K, V>(
  sendMany: (keys: readonly K[]) => Promise<readonly V[]>,
  { maxBatch, schedule = setImmediate }: BatchOptions,
): (key: K, options?: LookupOptions) => Promise<V> {
  let open: Batch<K, V>[] = [];
  let scheduled = false;

  const send = (batch: Batch<K, V>): void => {
    const keys = [...batch.waiting.keys()];
    const settle = (answers: readonly V[]) => {
      if (answers.length !== keys.length)
        throw new Error(`${answers.length} answers for ${keys.length} lookups`);
      for (const [i, key] of keys.entries()) batch.waiting.get(key)?.resolve(answers[i] as V);
    };
    const failAll = (error: unknown) => {
      for (const waiting of batch.waiting.values()) waiting.reject(error);
    };
    batch.context.runInAsyncScope(() => {
      try {
        sendMany(keys).then(settle).catch(failAll);
      } catch (error) {
        failAll(error);
      }
    });
  };

  const flush = (): void => {
    const batches = open;
    open = [];
    scheduled = false;
    for (const batch of batches) send(batch);
  };

  const openBatch = (led: boolean): Batch<K, V> => {
    const batch: Batch<K, V> = { waiting: new Map(), led, context: new AsyncResource('BatchedLookup') };
    open.push(batch);
    if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
    return batch;
  };

  const join = (batch: Batch<K, V>, key: K): Promise<V> => {
    const waiting = batch.waiting.get(key) ?? deferred<V>();
    batch.waiting.set(key, waiting);
    return waiting.promise;
  };

  return (key, options) => {
    const hasRoom = (batch: Batch<K, V>) => batch.waiting.has(key) || batch.waiting.size < maxBatch;
    if (options?.lead !== true) {
      const sharing = open.find((batch) => batch.waiting.has(key));
      if (sharing) return sharing.waiting.get(key)?.promise as Promise<V>;
      const last = open.at(-1);
      return join(last && hasRoom(last) ? last : openBatch(false), key);
    }
    const unled = open.find((batch) => !batch.led && hasRoom(batch));
    if (!unled) return join(openBatch(true), key);
    unled.led = true;
    unled.context = new AsyncResource('BatchedLookup');
    return join(unled, key);
  };
}

interface Batch<K, V> {
  readonly waiting: Map<K, Deferred<V>>;
  led: boolean;
  /** Where the call is made: the async context of the leader, or of the caller that opened it. */
  context: AsyncResource;
}

interface Deferred<V> {
  readonly promise: Promise<V>;
  resolve(value: V): void;
  reject(reason: unknown): void;
}

function deferred<V>(): Deferred<V> {
  let resolve!: (value: V) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<V>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
