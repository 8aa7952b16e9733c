export interface PollOptions {
  /** Give up after this long, failing with `what` and the last value seen. */
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** Names what is awaited in the failure message. */
  readonly what?: string;
}

/**
 * Reads until the value is accepted. Eventually consistent systems are tested by polling the
 * public surface, never by sleeping a guessed amount of time.
 */
export async function eventually<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 50, what = 'condition' }: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what} not met within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until the condition holds. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  options: PollOptions = {},
): Promise<void> {
  await eventually(condition, Boolean, { timeoutMs: 20_000, ...options });
}
