import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

export interface LoggerConfig {
  readonly service: string;
  readonly level: string;
}

/**
 * JSON logs to stdout, one object per line, with the service name on every line so aggregated
 * logs can be told apart. Tracing adds trace_id/span_id through `mixin` (packages/tracing).
 */
export function createLogger(config: LoggerConfig, options: Pick<LoggerOptions, 'mixin'> = {}): Logger {
  return pino({
    level: config.level,
    base: { service: config.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    ...options,
  });
}
