import { createKafka, type KafkaLog } from '@cqrs-products/kafka';
import { type DlqCommand, parseCommand, usage } from './args.js';
import type { CommandContext } from './commands/context.js';
import { listDeadLetters } from './commands/list.command.js';
import { redriveDeadLetters } from './commands/redrive.command.js';
import { showDeadLetter } from './commands/show.command.js';
import { readDlqConfig } from './config.js';
import { dlqErrors, isDlqError } from './errors.js';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

// kafkajs logs every failed connection attempt; the error it finally throws says the same once,
// and is what the operator sees (see toDlqError).
const quiet: KafkaLog = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

/**
 * The composition root: arguments and environment are validated before anything connects, then
 * one admin client serves the command. Resolves with the exit code (0, 1 or 2; errors.ts).
 */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let brokers: readonly string[] = [];
  try {
    const command = parseCommand(argv);
    if (command.kind === 'help') {
      io.out(usage);
      return 0;
    }
    const config = readDlqConfig(env);
    brokers = config.brokers;
    // Few retries: an operator at a terminal wants "Kafka is not there" in seconds, not minutes.
    const kafka = createKafka({ brokers: config.brokers, clientId: 'dlq-cli', retries: 2 }, quiet);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await dispatch({ kafka, admin, config, print: io.out, now: () => new Date() }, command);
    } finally {
      await admin.disconnect();
    }
    return 0;
  } catch (caught) {
    const error = toDlqError(caught, brokers);
    if (!error) {
      io.err(`dlq: unexpected failure (a bug): ${(caught as Error)?.stack ?? String(caught)}`);
      return 1;
    }
    io.err(`dlq: ${error.code}: ${error.message}${error.code === 'USAGE' ? `\n\n${usage}` : ''}`);
    return error.exitCode;
  }
}

function dispatch(context: CommandContext, command: Exclude<DlqCommand, { kind: 'help' }>): Promise<void> {
  switch (command.kind) {
    case 'list':
      return listDeadLetters(context, command.topics);
    case 'show':
      return showDeadLetter(context, command.topic, command.offset);
    case 'redrive':
      return redriveDeadLetters(context, command);
    default: {
      const unknown: never = command;
      throw new Error(`unhandled command ${JSON.stringify(unknown)}`);
    }
  }
}

/** Our own errors as they are; kafkajs failures (named KafkaJS*) as KAFKA_FAILED naming the brokers. */
function toDlqError(error: unknown, brokers: readonly string[]) {
  if (isDlqError(error)) return error;
  const name = (error as Error | undefined)?.name ?? '';
  if (!name.startsWith('KafkaJS')) return undefined;
  return dlqErrors.KAFKA_FAILED(`${(error as Error).message} (brokers ${brokers.join(',')})`, {
    cause: error,
  });
}
