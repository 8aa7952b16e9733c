import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { unitTestsRunningProcesses } from '../src/index.js';
import { systemTestsOutsideE2e } from '../src/test-tiers.js';
import { scratchTrees } from './support/scratch-tree.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const tree = scratchTrees('tiers');

// Written in pieces, so that this file does not itself read as a test that starts processes.
const importOf = (name: string, from: string) => `import { ${name} } from '${from}';`;
const childProcess = ['node', 'child_process'].join(':');
const call = (name: string, args = '') => `${name}(${args});`;

describe('finding unit tests that are not unit tests', () => {
  it('flags a process, a listening server or a service start, in the test or in a test helper it imports', () => {
    const root = tree({
      'a/test/spawns.unit.spec.ts': importOf('spawnSync', childProcess),
      'a/test/listens.unit.spec.ts': `const app = build();\nawait app${'.listen'}({ port: 0 });`,
      'a/test/main.unit.spec.ts': call('runServiceMainToExit', 'dir, {}'),
      'a/test/helped.unit.spec.ts': importOf('render', './support/render.js'),
      'a/test/support/render.ts': importOf('execFileSync', childProcess),
      'a/test/spawns.int.spec.ts': importOf('spawnSync', childProcess),
    });

    const flagged = (file: string, why: string) => ({ file, reason: `${file}: ${why}` });
    expect(unitTestsRunningProcesses(root)).toEqual([
      { file: 'a/test/helped.unit.spec.ts', reason: `a/test/support/render.ts: from '${childProcess}'` },
      flagged('a/test/listens.unit.spec.ts', `${'.listen'}(`),
      flagged('a/test/main.unit.spec.ts', `${'runServiceMainToExit'}(`),
      flagged('a/test/spawns.unit.spec.ts', `from '${childProcess}'`),
    ]);
  });

  it('leaves alone a unit test of code that a server runs, and one that only reads files', () => {
    const root = tree({
      'a/test/app.unit.spec.ts': importOf('buildApp', '../src/app.js'),
      'a/src/app.ts': `${importOf('createServer', 'node:http')}\nserver${'.listen'}(0);`,
      'a/test/readme.unit.spec.ts': importOf('readFileSync', 'node:fs'),
      'node_modules/x/test/x.unit.spec.ts': importOf('spawn', childProcess),
    });

    expect(unitTestsRunningProcesses(root)).toEqual([]);
  });
});

describe('the unit tier of this repository', () => {
  it('starts no process and no server', () => {
    // Tests that run command-line tools (kustomize, the manifest validator, `git ls-files`) are
    // int tests: deploy/test/k8s-*.int.spec.ts, docker/test/dockerfiles.int.spec.ts.
    expect(unitTestsRunningProcesses(repoRoot)).toEqual([]);
  });
});

describe('finding system tests outside the system-test workspace', () => {
  it('flags a file named e2e and a test that starts a service, itself or through a test helper, outside e2e/', () => {
    const root = tree({
      'a/test/api.e2e.spec.ts': importOf('describe', 'vitest'),
      'a/test/stack.int.spec.ts': call('startStack'),
      'a/test/main.int.spec.ts': call('runServiceMainToExit', 'dir, {}'),
      'a/test/helped.fault.spec.ts': importOf('startReader', './support/reader.js'),
      'a/test/support/reader.ts': call('startServiceProcess', "'reader-service', {}"),
    });

    expect(systemTestsOutsideE2e(root)).toEqual([
      { file: 'a/test/api.e2e.spec.ts', reason: 'a/test/api.e2e.spec.ts: named *.e2e.spec.ts' },
      { file: 'a/test/helped.fault.spec.ts', reason: `a/test/support/reader.ts: ${'startServiceProcess'}(` },
      { file: 'a/test/main.int.spec.ts', reason: `a/test/main.int.spec.ts: ${'runServiceMainToExit'}(` },
      { file: 'a/test/stack.int.spec.ts', reason: `a/test/stack.int.spec.ts: ${'startStack'}(` },
    ]);
  });

  it('leaves alone the e2e workspace, a service started in-process and a helper nobody imports', () => {
    const root = tree({
      'e2e/test/api/products.e2e.spec.ts': call('startStack'),
      'e2e/test/pipeline.fault.spec.ts': call('startStack'),
      'a/test/outbox.fault.spec.ts': `${importOf('start', '../src/start.js')}\n${call('start', 'config')}`,
      'a/src/start.ts': call('startServiceProcess'),
      'a/test/support/unused.ts': call('startStack'),
    });

    expect(systemTestsOutsideE2e(root)).toEqual([]);
  });
});

describe('the system tests of this repository', () => {
  it('all live in e2e/, apart from the tests listed here, a list that only shrinks', () => {
    // The gateway's own integration tests: the gateway in-process against a real reader started
    // as a process (its gRPC peer), one service under test rather than the system.
    const gatewayAgainstRealReader = [
      'api-gateway/test/get-batching.int.spec.ts',
      'api-gateway/test/queries.int.spec.ts',
    ];

    expect(systemTestsOutsideE2e(repoRoot).map(({ file }) => file)).toEqual(gatewayAgainstRealReader);
  });
});
