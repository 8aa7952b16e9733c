import { testEndpoints } from './endpoints.js';
import { unreachableServers } from './servers.js';

/**
 * Runs once before the integration tests: if a server is missing, stop here with one line per
 * server saying what to do, instead of letting every test time out on its own.
 */
export default async function setup(): Promise<void> {
  const problems = await unreachableServers(testEndpoints());
  if (problems.length > 0) {
    throw new Error(
      `integration tests need real servers:\n  ${problems.join('\n  ')}\n` +
        'Start the native infrastructure with `make infra-up` (or run `make test`, which does), ' +
        'or point the variables above at running servers.',
    );
  }
}
