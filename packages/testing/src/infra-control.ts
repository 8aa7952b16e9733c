import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const infraDir = fileURLToPath(new URL('../../../scripts/infra/', import.meta.url));

export type InfraServer = 'postgres' | 'redis' | 'kafka' | 'mongo';

/**
 * Fault tests stop and start the real native servers. Only meaningful when the tests run against
 * the native infrastructure (make test without external endpoints); fault tests run in their own
 * sequential vitest project so that no other test sees the outage.
 */
export async function stopServer(server: InfraServer): Promise<void> {
  await run('bash', [`${infraDir}down.sh`, server], { timeout: 120_000 });
}

export async function startServer(server: InfraServer): Promise<void> {
  await run('bash', [`${infraDir}up.sh`, server], { timeout: 300_000 });
}
