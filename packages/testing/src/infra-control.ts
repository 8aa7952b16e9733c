import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { infraHome, readInfraEnvFile, testEndpoints } from './endpoints.js';

const run = promisify(execFile);
const infraDir = fileURLToPath(new URL('../../../scripts/infra/', import.meta.url));

export type InfraServer = 'postgres' | 'redis' | 'kafka' | 'mongo';

/**
 * Fault tests stop and start the real native servers. Only meaningful when the tests run against
 * the native infrastructure (make test without external endpoints); fault tests run in their own
 * sequential vitest project so that no other test sees the outage. The scripts inherit INFRA_HOME
 * and INFRA_PORT_OFFSET, so they act on the instance these variables name.
 */
export async function stopServer(server: InfraServer): Promise<void> {
  assertControlsTestedServer(server);
  await run('bash', [`${infraDir}down.sh`, server], { timeout: 120_000 });
}

export async function startServer(server: InfraServer): Promise<void> {
  assertControlsTestedServer(server);
  await run('bash', [`${infraDir}up.sh`, server], { timeout: 300_000 });
}

const endpointOf = {
  postgres: (e) => new URL(e.postgresUrl).host,
  redis: (e) => new URL(e.redisUrl).host,
  kafka: (e) => e.kafkaBrokers.join(','),
  mongo: (e) => new URL(e.mongoUri).host,
} satisfies Record<InfraServer, (e: ReturnType<typeof testEndpoints>) => string>;

/**
 * Refuses to stop a server the tests do not use: tests pointed at one instance (say INFRA_HOME
 * elsewhere, ports offset) while the scripts see another (the shared default .infra) would take
 * down somebody else's servers and prove nothing about ours.
 */
export function assertControlsTestedServer(server: InfraServer, env: NodeJS.ProcessEnv = process.env): void {
  const controlled = testEndpoints({ INFRA_HOME: env.INFRA_HOME, INFRA_PORT_OFFSET: env.INFRA_PORT_OFFSET });
  const tested = testEndpoints(env);
  if (Object.keys(readInfraEnvFile(env)).length === 0)
    throw new Error(`${server}: no native infra at ${infraHome(env)} (no env file); run scripts/infra/up.sh`);
  const [want, have] = [endpointOf[server](tested), endpointOf[server](controlled)];
  if (want !== have)
    throw new Error(
      `${server}: the tests use ${want} but the native infra at ${infraHome(env)} serves ${have}; ` +
        'set INFRA_HOME and INFRA_PORT_OFFSET to the instance the tests use',
    );
}
