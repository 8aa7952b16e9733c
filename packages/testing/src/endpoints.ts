import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the test servers are. Read from the environment (what `make test` exports from
 * .infra/env, or any servers you point it at); then from the env file of the native infra
 * (`<INFRA_HOME>/env`); the defaults are the native infra's loopback ports plus INFRA_PORT_OFFSET.
 */
export interface Endpoints {
  readonly kafkaBrokers: string[];
  readonly postgresUrl: string;
  readonly mongoUri: string;
  readonly redisUrl: string;
}

export function testEndpoints(env: NodeJS.ProcessEnv = process.env): Endpoints {
  const file = readInfraEnvFile(env);
  const offset = infraPortOffset(env);
  const pick = (key: string, fallback: string) => env[key] ?? file[key] ?? fallback;
  return {
    kafkaBrokers: pick('KAFKA_BROKERS', `127.0.0.1:${9092 + offset}`)
      .split(',')
      .map((b) => b.trim()),
    postgresUrl: pick('POSTGRES_URL', `postgres://postgres:postgres@127.0.0.1:${5432 + offset}/products`),
    mongoUri: pick('MONGO_URI', `mongodb://127.0.0.1:${27017 + offset}/products`),
    redisUrl: pick('REDIS_URL', `redis://127.0.0.1:${6379 + offset}`),
  };
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The native infra's home: INFRA_HOME (a second instance, e.g. next to colleagues' test runs) or
 * `<repo>/.infra`. scripts/infra resolves it the same way.
 */
export function infraHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.INFRA_HOME;
  if (!home) return resolve(repoRoot, '.infra');
  return isAbsolute(home) ? home : resolve(home);
}

export function infraPortOffset(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.INFRA_PORT_OFFSET ?? '0';
  const offset = Number(raw);
  if (!/^\d+$/.test(raw) || offset > 50_000)
    throw new Error(`INFRA_PORT_OFFSET must be a number from 0 to 50000, not ${raw}`);
  return offset;
}

/** KEY=VALUE lines of `<INFRA_HOME>/env` as scripts/infra/up.sh wrote them; empty if there is none. */
export function readInfraEnvFile(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(resolve(infraHome(env), 'env'), 'utf8');
  } catch {
    return {};
  }
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && line.includes('='))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

/** Names that cannot collide between test files running in parallel or between runs. */
/**
 * A name no other test uses. Inside a test run (TEST_RUN_ID, set by the global set-up) it carries
 * the run's id, so the run's clean-up finds everything the run created.
 */
export function uniqueName(prefix: string): string {
  const run = process.env.TEST_RUN_ID ? `${process.env.TEST_RUN_ID}_` : '';
  return `${prefix}_${run}${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
