import { type SpawnSyncReturns, spawnSync } from 'node:child_process';

/**
 * Runs a service's real entry point from its TypeScript sources (as `npm run dev` does) and
 * waits for it to exit; for start-up behaviour that ends the process, such as a bad config.
 */
export function runServiceMainToExit(
  serviceDir: string,
  env: Record<string, string>,
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'src/main.ts'], {
    cwd: serviceDir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}
