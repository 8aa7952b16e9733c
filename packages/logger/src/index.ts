import { type Logger, type LoggerOptions, pino } from 'pino';
import { batchedStdout } from './batched-stdout.js';

export { type BatchedDestination, batchedDestination } from './batched-stdout.js';
export type { Logger };

export interface LoggerConfig {
  readonly service: string;
  readonly level: string;
}

/**
 * JSON logs to stdout, one object per line, with the service name on every line so aggregated
 * logs can be told apart. Lines are written in batches (batched-stdout.ts), flushed on exit.
 * trace_id/span_id/trace_flags are not added here: @opentelemetry/instrumentation-pino, which
 * packages/tracing registers before the service starts, patches pino to add them through its own
 * mixin. `options.mixin` is for a caller's extra fields; the instrumentation merges the two.
 */
export function createLogger(config: LoggerConfig, options: Pick<LoggerOptions, 'mixin'> = {}): Logger {
  return pino(
    {
      level: config.level,
      base: { service: config.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      ...options,
    },
    batchedStdout(),
  );
}
