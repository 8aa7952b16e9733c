export interface ShutdownLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ShutdownOptions {
  /** Stops intake, drains in-flight work, commits offsets, closes pools, in that order. */
  readonly stop: () => Promise<void>;
  readonly log: ShutdownLog;
  /** After this long the process exits non-zero rather than hanging a deployment. */
  readonly timeoutMs?: number;
  readonly signals?: readonly NodeJS.Signals[];
  /** Injected in tests; defaults to the real process. */
  readonly proc?: Pick<NodeJS.Process, 'once' | 'off' | 'exit'>;
}

/**
 * Runs `stop` once on the first SIGTERM/SIGINT and exits 0 when it resolves, 1 when it throws or
 * exceeds the timeout. A second signal exits at once: the operator has asked twice.
 * Returns a function that removes the handlers (for in-process tests).
 */
export function onShutdown(options: ShutdownOptions): () => void {
  const { stop, log, timeoutMs = 15_000, signals = ['SIGTERM', 'SIGINT'], proc = process } = options;
  let stopping = false;

  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.error({ signal }, 'second signal during shutdown, exiting now');
      proc.exit(1);
      return;
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown timed out');
      proc.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        clearTimeout(timer);
        log.info({}, 'stopped');
        proc.exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        log.error({ err: error }, 'shutdown failed');
        proc.exit(1);
      },
    );
  };

  for (const signal of signals) proc.once(signal, handler);
  return () => {
    for (const signal of signals) proc.off(signal, handler);
  };
}

export interface RunServiceOptions {
  /** Starts the service; what it returns is stopped on the first SIGTERM/SIGINT. */
  readonly start: () => Promise<{ readonly log: ShutdownLog; stop(): Promise<void> }>;
  /** Runs after the service stopped, e.g. flushing the last spans of the shutdown itself. */
  readonly afterStop?: () => Promise<void>;
  /** Injected in tests; defaults to the real process. */
  readonly proc?: Pick<NodeJS.Process, 'once' | 'off' | 'exit'> & {
    stderr: Pick<NodeJS.WriteStream, 'write'>;
  };
}

/**
 * A service's entry point: starts it and wires graceful shutdown, or exits 1 with one line naming
 * the service when it cannot start (a dependency that is wrong or unreachable).
 */
export async function runService(name: string, options: RunServiceOptions): Promise<void> {
  const proc = options.proc ?? process;
  try {
    const service = await options.start();
    const stop = async () => {
      await service.stop();
      await options.afterStop?.();
    };
    onShutdown({ stop, log: service.log, proc });
  } catch (error) {
    proc.stderr.write(`${name} failed to start: ${(error as Error).message}\n`);
    proc.exit(1);
  }
}
