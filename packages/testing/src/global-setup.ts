import { cleanupRun } from './cleanup.js';
import { testEndpoints } from './endpoints.js';
import { unreachableServers } from './servers.js';

/**
 * Runs once before the integration tests: if a server is missing, stop here with one line per
 * server saying what to do, instead of letting every test time out on its own. Gives the run an
 * id that every `uniqueName` carries (test workers inherit the environment), and returns the
 * teardown that removes the run's topics, groups, databases and keys from the shared servers.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const problems = await unreachableServers(testEndpoints());
  if (problems.length > 0) {
    throw new Error(
      `integration tests need real servers:\n  ${problems.join('\n  ')}\n` +
        'Start the native infrastructure with `make infra-up` (or run `make test`, which does), ' +
        'or point the variables above at running servers.',
    );
  }
  const runId = `r${Math.random().toString(36).slice(2, 7)}`;
  process.env.TEST_RUN_ID = runId;
  return async () => {
    if (process.env.KEEP_TEST_DATA === 'true') return;
    const report = await cleanupRun(testEndpoints(), runId).catch((error: unknown) => {
      console.warn(`test clean-up failed (run ${runId}): ${(error as Error).message}`);
      return undefined;
    });
    if (report) console.log(`test clean-up (run ${runId}): ${JSON.stringify(report)}`);
  };
}
