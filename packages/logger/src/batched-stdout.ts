import { type DestinationStream, pino } from 'pino';

export interface BatchedDestination extends DestinationStream {
  /** Writes what is buffered now, synchronously. */
  flushSync(): void;
  /** pino's `logger.flush(cb)` lands here. */
  flush(cb?: (error?: Error) => void): void;
}

export interface BatchedDestinationOptions {
  /** A line waits at most this long before it is written (with the lines logged meanwhile). */
  readonly flushAfterMs?: number;
  /** Buffered characters that trigger a write at once, so a burst never grows the buffer. */
  readonly maxBufferedChars?: number;
}

/**
 * Lines logged within `flushAfterMs` leave in one synchronous write instead of one write each.
 * Measured (bench/results/memory-profile.md): at 1000–2000 lines/s this takes most of the
 * per-line `write` system call off the main thread, where pino's own asynchronous mode
 * (`sync: false`) cost twice the CPU of a synchronous write per line (every line handed to the
 * libuv pool) and its `minLength` buffer saved nothing (it re-measures the buffer per line).
 *
 * Nothing is lost on exit: process 'exit' is emitted for `process.exit()` (the shutdown after
 * SIGTERM), when the event loop ends, and after an uncaught exception or unhandled rejection, and
 * the buffer is written synchronously then. What can be lost is the last `flushAfterMs` of lines
 * when the process gets no 'exit' at all: SIGKILL, or V8 aborting when the heap limit is reached.
 */
export function batchedDestination(fd: number, options: BatchedDestinationOptions = {}): BatchedDestination {
  const { flushAfterMs = 10, maxBufferedChars = 64 * 1024 } = options;
  // pino's synchronous SonicBoom does the writing: partial writes, EAGAIN retries, EPIPE.
  const sink = pino.destination({ dest: fd, sync: true });
  let lines: string[] = [];
  let chars = 0;
  let timer: NodeJS.Timeout | undefined;

  const flushSync = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (lines.length === 0) return;
    const out = lines.join('');
    lines = [];
    chars = 0;
    sink.write(out);
  };
  process.on('exit', flushSync);

  return {
    write(line: string) {
      lines.push(line);
      chars += line.length;
      if (chars >= maxBufferedChars) flushSync();
      // Unref'd: a pending flush must not keep a finished process alive ('exit' writes it).
      else timer ??= setTimeout(flushSync, flushAfterMs).unref();
    },
    flushSync,
    flush(cb) {
      try {
        flushSync();
      } catch (error) {
        cb?.(error as Error);
        return;
      }
      cb?.();
    },
  };
}

let stdout: BatchedDestination | undefined;

/**
 * The process's one batched stdout: every logger of the process shares it, so lines keep their
 * order across loggers and one 'exit' listener flushes them all (not one per logger a test makes).
 */
export function batchedStdout(): BatchedDestination {
  stdout ??= batchedDestination(1);
  return stdout;
}
