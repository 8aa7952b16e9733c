import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  createTestDatabase,
  eventually,
  freePort,
  type TestDatabase,
  testEndpoints,
  uniqueName,
  unreachableServers,
} from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `make up` as a newcomer runs it: in a fresh copy of the working tree (tracked and new files, no
 * node_modules, no dist), so it has to install, migrate and build by itself. The copy uses the
 * running servers (all four endpoints given: no second native infrastructure on the same ports),
 * its own database, topics, consumer groups, Mongo database and Redis prefix, and free ports for
 * the services, so it disturbs neither other tests nor a developer's own `make up`.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const services = ['writer-service', 'reader-service', 'api-gateway'] as const;
const run = promisify(execFile);

let copy: string;
let database: TestDatabase;
let env: NodeJS.ProcessEnv;
const ports: Record<string, number> = {};

const make = (target: string, timeoutMs: number) =>
  run('make', ['--no-print-directory', target], { cwd: copy, env, timeout: timeoutMs, maxBuffer: 16 << 20 });

const pidOf = (service: string): number | undefined => {
  const file = join(copy, '.infra', 'run', `${service}.pid`);
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
};
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 2_000 });
    const answer = (open: boolean) => () => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', answer(true)).once('error', answer(false)).once('timeout', answer(false));
  });
const apiUrl = () => `http://127.0.0.1:${ports.API_GATEWAY__HTTP_PORT}/api/v1`;

/** Every file of the working tree git would see: tracked, plus new files not ignored. */
function copyWorkingTree(target: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\0')
    // Deleted but not yet staged files are still listed.
    .filter((file) => file && existsSync(join(repoRoot, file)));
  // tar keeps the modes (the scripts must stay executable) and reads the list from stdin.
  execFileSync('bash', ['-c', 'tar -c --null -T - -f - | tar -x -f - -C "$0"', target], {
    cwd: repoRoot,
    input: files.join('\0'),
  });
}

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'make-up-'));
  copyWorkingTree(copy);

  const endpoints = testEndpoints();
  database = await createTestDatabase(endpoints.postgresUrl);
  // Empty again, so that the schema the services need can only come from make up's migrations.
  await database.migrate('down');

  for (const service of services) {
    const prefix = service.toUpperCase().replace('-', '_');
    const main = service === 'api-gateway' ? 'HTTP_PORT' : 'GRPC_PORT';
    for (const name of [main, 'PROBES_PORT', 'METRICS_PORT']) ports[`${prefix}__${name}`] = await freePort();
  }
  const id = uniqueName('makeup');
  const inherited = { ...process.env };
  // A fresh shell's environment: no make or vitest state leaking into the nested make.
  for (const name of ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'NODE_OPTIONS']) delete inherited[name];
  env = {
    ...inherited,
    STACK_MODE: 'native',
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    POSTGRES_URL: database.url,
    MONGO_URI: endpoints.mongoUri,
    REDIS_URL: endpoints.redisUrl,
    KAFKA_TOPIC_PREFIX: `${id}_`,
    KAFKA_TOPIC_PARTITIONS: '3',
    MONGO_DATABASE: id,
    REDIS_KEY_PREFIX: `${id}:`,
    WRITER_SERVICE__KAFKA_GROUP_ID: `${id}_writer`,
    READER_SERVICE__KAFKA_GROUP_ID: `${id}_reader`,
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
  };
});

afterAll(async () => {
  // Only if a test failed half-way: nothing of ours may outlive the run.
  const runDir = join(copy, '.infra', 'run');
  for (const file of existsSync(runDir) ? readdirSync(runDir) : []) {
    const pid = Number(readFileSync(join(runDir, file), 'utf8').trim());
    if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
  }
  await database?.drop().catch(() => {});
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('make up / make down, from a clean copy of the working tree, without Docker', () => {
  let startedPids: number[] | undefined;
  /** The later steps build on the first; without it they say so instead of failing obscurely. */
  const firstPids = (): number[] => {
    if (!startedPids)
      throw new Error('the first `make up` did not start the services (see the first failure)');
    return startedPids;
  };

  it('make up installs, migrates, builds, starts the three services and prints where to find them', async () => {
    const { stdout } = await make('up', 600_000);

    for (const path of ['/api/v1/products', '/swagger', '/swagger/json'])
      expect(stdout).toContain(`http://127.0.0.1:${ports.API_GATEWAY__HTTP_PORT}${path}`);
    for (const service of services) {
      const prefix = service.toUpperCase().replace('-', '_');
      expect(stdout).toContain(`http://127.0.0.1:${ports[`${prefix}__METRICS_PORT`]}/metrics`);
    }
    const pids = services.map(pidOf);
    for (const [i, pid] of pids.entries()) {
      expect(pid, services[i]).toBeGreaterThan(0);
      expect(alive(pid as number), services[i]).toBe(true);
    }
    startedPids = pids as number[];
    const swagger = await fetch(`http://127.0.0.1:${ports.API_GATEWAY__HTTP_PORT}/swagger/json`);
    expect(swagger.status).toBe(200);
  }, 600_000);

  it('a product POSTed to the printed API becomes readable through it', async () => {
    firstPids();
    const body = { name: 'Make-up lamp', description: 'Started with make up', price: 3.5 };
    const created = await fetch(`${apiUrl()}/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(created.status).toBe(201);
    const { productId } = (await created.json()) as { productId: string };

    const read = await eventually(
      () => fetch(`${apiUrl()}/products/${productId}`),
      (r) => r.status === 200,
      { what: `product ${productId} readable`, intervalMs: 100 },
    );
    expect(await read.json()).toMatchObject({ productId, ...body, version: 1 });
  });

  it('make up a second time starts nothing: the same processes keep running', async () => {
    const before = firstPids();

    const { stderr } = await make('up', 120_000);

    expect(services.map(pidOf)).toEqual(before);
    for (const service of services) expect(stderr).toContain(`${service}: already running`);
  }, 120_000);

  it('make status shows the three services ready', async () => {
    const pids = firstPids();

    const { stdout } = await make('status', 30_000);

    for (const [i, service] of services.entries())
      expect(stdout).toMatch(new RegExp(`^${service}\\s+ready\\s+pid ${pids[i]}\\b`, 'm'));
  });

  it('make down stops every process make up started and closes their ports, leaving the given servers alone', async () => {
    const pids = firstPids();

    await make('down', 180_000);

    for (const [i, pid] of pids.entries()) expect(alive(pid), services[i]).toBe(false);
    for (const service of services) expect(pidOf(service), service).toBeUndefined();
    for (const [name, port] of Object.entries(ports)) expect(await listening(port), name).toBe(false);
    expect(await unreachableServers(testEndpoints())).toEqual([]);
  }, 180_000);
});
