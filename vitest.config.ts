import { defineConfig, type Plugin } from 'vitest/config';

/**
 * Workspace packages export a "source" condition pointing at their TypeScript sources, so tests
 * and the globalSetup run against src/ without a build step (a clean clone has no dist/). Set on
 * every environment: Vite passes top-level conditions to the client environment only, and Vitest
 * loads the globalSetup in an environment of its own, not in `ssr` where the test files run.
 */
const workspaceSources: Plugin = {
  name: 'workspace-sources',
  configEnvironment(_name, config) {
    // Conditions given to an environment replace Vite's defaults; one given none (Vitest's own)
    // keeps Node's, as the test files' environment has them.
    config.resolve = {
      ...config.resolve,
      conditions: ['source', ...(config.resolve?.conditions ?? ['node'])],
    };
  },
};

export default defineConfig({
  plugins: [workspaceSources],
  test: {
    // Services started by tests trace as in production (the preload instruments everything and
    // context flows through Kafka headers) but export nothing unless a test points them at a receiver.
    env: { OTEL_TRACES_EXPORTER: 'none' },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['**/test/**/*.unit.spec.ts'], exclude: ['**/node_modules/**'] },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['**/test/**/*.int.spec.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['packages/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The three services as real processes, driven through their public APIs. All of them live
        // in the e2e workspace (e2e/test/<what they start>/); test-tiers.unit fails on one elsewhere,
        // so the pattern stays wide on purpose: a stray file still runs while the ratchet names it.
        extends: true,
        test: {
          name: 'e2e',
          include: ['**/test/**/*.e2e.spec.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['packages/testing/src/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Tests that stop and restart real servers: one file at a time, and run by `make test`
        // after the other tiers, so no other test ever sees the outage.
        extends: true,
        test: {
          name: 'faults',
          include: ['**/test/**/*.fault.spec.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['packages/testing/src/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
