/** Runs `work` once every earlier call sharing one of its keys has settled. */
export type KeyLock = <T>(keys: Iterable<string>, work: () => Promise<T>) => Promise<T>;

/**
 * An in-process lock on sets of keys. Each call registers itself synchronously as the new tail of
 * all its keys and waits for the tails it replaced, so a call only ever waits for calls made
 * before it: the waits form no cycle and two batches with overlapping keys cannot deadlock,
 * whatever order their keys come in. Calls on disjoint keys run at the same time.
 */
export function keyLock(): KeyLock {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(keys: Iterable<string>, work: () => Promise<T>): Promise<T> => {
    const unique = [...new Set(keys)];
    const before = unique.flatMap((key) => tails.get(key) ?? []);
    const result = Promise.all(before).then(work);
    const tail = result.catch(() => undefined);
    for (const key of unique) tails.set(key, tail);
    void tail.then(() => {
      for (const key of unique) if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}
