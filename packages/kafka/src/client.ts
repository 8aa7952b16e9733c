import {
  type ISocketFactory,
  Kafka,
  type KafkaConfig,
  logLevel as KafkaLogLevel,
  type LogEntry,
} from 'kafkajs';
import { stopIdleRequestQueuePolling } from './request-queue-polling.js';

// Once, as this module loads: the method lives on the prototype every connection shares.
stopIdleRequestQueuePolling();

export interface KafkaLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface KafkaClientConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** How long one connection attempt may take before it counts as failed. */
  readonly connectionTimeoutMs?: number;
  /**
   * Retries for connecting and for admin/producer requests. Bounded so that a broker that is
   * gone surfaces as an error in seconds instead of a process that hangs.
   */
  readonly retries?: number;
  /** The network kafkajs connects through; tests put faults here (a lost reply, a cut). */
  readonly socketFactory?: ISocketFactory;
}

/** kafkajs with its logs routed into our structured logger instead of its own console format. */
export function createKafka(config: KafkaClientConfig, log: KafkaLog): Kafka {
  const options: KafkaConfig = {
    clientId: config.clientId,
    brokers: [...config.brokers],
    connectionTimeout: config.connectionTimeoutMs ?? 3_000,
    retry: { retries: config.retries ?? 5, initialRetryTime: 300, maxRetryTime: 5_000 },
    logLevel: KafkaLogLevel.WARN,
    ...(config.socketFactory ? { socketFactory: config.socketFactory } : {}),
    logCreator:
      () =>
      ({ level, label, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        const fields = { kafka: rest, label };
        if (level === KafkaLogLevel.ERROR) log.error(fields, message);
        else if (level === KafkaLogLevel.WARN) log.warn(fields, message);
        else if (level === KafkaLogLevel.INFO) log.info(fields, message);
        else log.debug(fields, message);
      },
  };
  return new Kafka(options);
}
