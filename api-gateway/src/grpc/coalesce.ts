import { AsyncResource } from 'node:async_hooks';

export interface CoalesceOptions {
  /**
   * The caller's async context must be the one the call is made in (a traced request: its trace
   * must show the call as its child). Such a caller leads the group it opens or joins; a second
   * one gets a call of its own.
   */
  readonly lead?: boolean;
}

/**
 * Calls for the same key made before the call for that key has gone out share it: the first one
 * opens a group, the others of the same event-loop turn join, and the group is sent once the
 * turn's I/O is handled (`setImmediate`). A group is closed the moment it is sent, so every
 * caller's call leaves after that caller asked: what it reads is at least as new as a call of its
 * own would have read. (Joining a call already in flight could return a read made before the
 * caller arrived, e.g. before an event it waits for was applied; that is never done.)
 *
 * Why: under load many requests for the same product arrive in one turn, and each gRPC unary
 * call costs the gateway more CPU than the rest of the request (bench/results/get-path-profile.md).
 *
 * A group's call runs in the async context of its leader, or of the caller that opened it: never
 * in another group's (a traced request's trace would show calls that are not its own).
 */
export function coalesceUnsent<K, V>(
  send: (key: K) => Promise<V>,
  schedule: (flush: () => void) => void = setImmediate,
): (key: K, options?: CoalesceOptions) => Promise<V> {
  let open = new Map<K, Group<V>>();
  let scheduled = false;

  const sendNow = (key: K): Promise<V> => {
    try {
      return send(key);
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const flush = (): void => {
    const groups = open;
    open = new Map();
    scheduled = false;
    for (const [key, group] of groups) {
      group.context.runInAsyncScope(() => sendNow(key).then(group.resolve, group.reject));
    }
  };

  return (key, options) => {
    const lead = options?.lead === true;
    const joined = open.get(key);
    if (joined) {
      if (!lead) return joined.promise;
      if (joined.led) return sendNow(key);
      joined.led = true;
      joined.context = new AsyncResource('CoalescedCall');
      return joined.promise;
    }
    const group = newGroup<V>(lead);
    open.set(key, group);
    if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
    return group.promise;
  };
}

interface Group<V> {
  readonly promise: Promise<V>;
  resolve(value: V): void;
  reject(reason: unknown): void;
  led: boolean;
  /** Where the call is made: the async context of the leader, or of the caller that opened it. */
  context: AsyncResource;
}

function newGroup<V>(led: boolean): Group<V> {
  let resolve!: (value: V) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<V>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject, led, context: new AsyncResource('CoalescedCall') };
}
