import { fields } from '@cqrs-products/config';
import { z } from 'zod';
import { dlqErrors } from './errors.js';

/**
 * The same variables the services read, so the CLI points at the cluster and the topic names a
 * deployment uses without settings of its own. Defaults match the services' config.yaml.
 */
const envSchema = z.object({
  KAFKA_BROKERS: fields.brokers.default(['127.0.0.1:9092']),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
});

export interface DlqConfig {
  readonly brokers: readonly string[];
  readonly topicPrefix: string;
}

/** Validated once at start; a bad value is one line naming its variable and what was given. */
export function readDlqConfig(env: NodeJS.ProcessEnv): DlqConfig {
  // An empty variable counts as unset, as the services' config loader treats it.
  const given = (name: keyof z.input<typeof envSchema>) => (env[name] === '' ? undefined : env[name]);
  const parsed = envSchema.safeParse({
    KAFKA_BROKERS: given('KAFKA_BROKERS'),
    KAFKA_TOPIC_PREFIX: given('KAFKA_TOPIC_PREFIX'),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw dlqErrors.CONFIG_INVALID(`${name}=${JSON.stringify(env[name] ?? '')}: ${issue?.message}`);
  }
  return Object.freeze({
    brokers: Object.freeze([...parsed.data.KAFKA_BROKERS]),
    topicPrefix: parsed.data.KAFKA_TOPIC_PREFIX,
  });
}
