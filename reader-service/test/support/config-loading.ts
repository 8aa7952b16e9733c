import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '@cqrs-products/config';
import { configSchema, defaultConfigFile, envMapping } from '../../src/config.js';

/** The reader's config as start-up reads it: the file (the service's own unless given), then `env`. */
export const loadReaderConfig = (
  env: NodeJS.ProcessEnv,
  file: string | undefined = fileURLToPath(defaultConfigFile),
) => loadConfig({ schema: configSchema, envMapping, file, env });

/** The one-line message start-up would stop with for `env`, or undefined if it is valid. */
export function configErrorOf(env: NodeJS.ProcessEnv): string | undefined {
  try {
    loadReaderConfig(env);
    return undefined;
  } catch (error) {
    return error instanceof ConfigError ? error.message : String(error);
  }
}
