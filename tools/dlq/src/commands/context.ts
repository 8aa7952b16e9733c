import type { Admin, Kafka } from 'kafkajs';
import type { DlqConfig } from '../config.js';

/** What every command gets from the composition root (cli.ts). */
export interface CommandContext {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly config: DlqConfig;
  /** Where results go (stdout); one call per block of output. */
  readonly print: (text: string) => void;
  readonly now: () => Date;
}
