import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestDatabase,
  eventually,
  infraPortOffset,
  type TestDatabase,
  testEndpoints,
  uniqueName,
  unreachableServers,
} from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alive,
  allocateBasePorts,
  copyWorkingTree,
  followLogs,
  groupAssignments,
  listening,
  makeIn,
  pidOf,
  recordedPids,
  testedInfraHome,
} from './support/make-up.js';

/**
 * `make up` as a newcomer runs it: in a fresh copy of the working tree (tracked and new files, no
 * node_modules, no dist), so it has to install, migrate and build by itself. Two gateways, one
 * writer and two readers. The copy uses the servers the tests use — natively through their
 * INFRA_HOME when they are a native instance (make up finds them running, so make down must leave
 * them running), else given as the four endpoints — with its own database, topics, consumer
 * groups, Mongo database and Redis prefix, and free ports for the services, so it disturbs neither
 * other tests nor a developer's own `make up`.
 */

const instances = [
  ['writer-service', 0],
  ['reader-service', 0],
  ['reader-service', 1],
  ['api-gateway', 0],
  ['api-gateway', 1],
] as const;
const names = instances.map(([service, i]) => `${service}-${i}`);
const kinds = ['main', 'probes', 'metrics'] as const;

let copy: string;
let database: TestDatabase;
let env: NodeJS.ProcessEnv;
let make: ReturnType<typeof makeIn>;
let home: string | undefined;
let id: string;
/** Base ports by service and kind; instance i is on base + 100 * i. */
const base: Record<string, Record<(typeof kinds)[number], number>> = {};
const port = (service: string, kind: (typeof kinds)[number], i: number) =>
  (base[service]?.[kind] ?? 0) + 100 * i;
const gateway = (i: number) => `http://127.0.0.1:${port('api-gateway', 'main', i)}/api/v1`;

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), 'make-up-'));
  copyWorkingTree(copy);

  const endpoints = testEndpoints();
  home = testedInfraHome(endpoints);
  database = await createTestDatabase(endpoints.postgresUrl);
  // Empty again, so that the schema the services need can only come from make up's migrations.
  await database.migrate('down');

  const vars = await allocateBasePorts(base);
  // The gateway's HTTP_PORT unprefixed: read by the gateway alone, it must apply.
  vars.HTTP_PORT = vars.API_GATEWAY__HTTP_PORT as string;
  delete vars.API_GATEWAY__HTTP_PORT;

  id = uniqueName('makeup');
  const inherited = { ...process.env };
  // A fresh shell's environment: no make or vitest state leaking into the nested make.
  for (const name of ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'NODE_OPTIONS']) delete inherited[name];
  const servers = home
    ? { INFRA_HOME: home, INFRA_PORT_OFFSET: String(infraPortOffset()) }
    : {
        KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
        MONGO_URI: endpoints.mongoUri,
        REDIS_URL: endpoints.redisUrl,
      };
  // Natively the other endpoints come from INFRA_HOME's env file, as for a person.
  if (home) for (const name of ['KAFKA_BROKERS', 'MONGO_URI', 'REDIS_URL']) delete inherited[name];
  env = {
    ...inherited,
    ...servers,
    STACK_MODE: 'native',
    POSTGRES_URL: database.url,
    KAFKA_TOPIC_PREFIX: `${id}_`,
    KAFKA_TOPIC_PARTITIONS: '4',
    MONGO_DATABASE: id,
    READER_SERVICE__SEARCH_POSTGRES_URL: Object.assign(new URL(database.url), {
      pathname: `/${id}_search`,
    }).toString(),
    REDIS_KEY_PREFIX: `${id}:`,
    WRITER_SERVICE__KAFKA_GROUP_ID: `${id}_writer`,
    READER_SERVICE__KAFKA_GROUP_ID: `${id}_reader`,
    GATEWAYS: '2',
    READERS: '2',
    ...vars,
  };
  make = makeIn(copy, env);
});

afterAll(async () => {
  // Only if a test failed half-way: nothing of ours may outlive the run.
  for (const pid of copy ? recordedPids(copy) : []) if (alive(pid)) process.kill(pid, 'SIGKILL');
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

  it('make up refuses a plain PROBES_PORT (several services read it) before it starts anything', async () => {
    const refused = await makeIn(copy, { ...env, PROBES_PORT: '13001' })('up', 60_000).then(
      () => undefined,
      (error: { stderr: string }) => error,
    );

    expect(refused?.stderr).toContain('API_GATEWAY__PROBES_PORT and/or WRITER_SERVICE__PROBES_PORT');
    expect(recordedPids(copy)).toEqual([]);
  });

  it('make up installs, migrates, builds, starts every instance and prints URLs that all answer', async () => {
    const { stdout } = await make('up', 600_000);

    const pids = names.map((name) => pidOf(copy, name));
    for (const [i, pid] of pids.entries()) {
      expect(pid, names[i]).toBeGreaterThan(0);
      expect(alive(pid as number), names[i]).toBe(true);
    }
    startedPids = pids as number[];
    for (const i of [0, 1]) {
      for (const path of ['/api/v1/products/search', '/api/v1/products/health', '/swagger', '/swagger/json'])
        expect(stdout).toContain(`http://127.0.0.1:${port('api-gateway', 'main', i)}${path}`);
    }
    for (const [service, i] of instances) {
      expect(stdout).toContain(`http://127.0.0.1:${port(service, 'probes', i)}/ready`);
      expect(stdout).toContain(`http://127.0.0.1:${port(service, 'metrics', i)}/metrics`);
    }
    const urls = stdout.match(/http:\/\/\S+/g) ?? [];
    const answers = await Promise.all(urls.map(async (url) => `${(await fetch(url)).status} ${url}`));
    expect(answers.filter((answer) => !answer.startsWith('2'))).toEqual([]);
  }, 600_000);

  it('a product POSTed to one gateway becomes readable through both (each asks its own reader)', async () => {
    firstPids();
    const body = { name: 'Make-up lamp', description: 'Started with make up', price: 3.5 };
    const created = await fetch(`${gateway(0)}/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(created.status).toBe(201);
    const { productId } = (await created.json()) as { productId: string };

    for (const i of [0, 1]) {
      const read = await eventually(
        () => fetch(`${gateway(i)}/products/${productId}`),
        (r) => r.status === 200,
        { what: `product ${productId} readable through gateway ${i}`, intervalMs: 100 },
      );
      expect(await read.json()).toMatchObject({ productId, ...body, version: 1 });
    }
  });

  it('make up a second time starts nothing: the same processes keep running', async () => {
    const before = firstPids();

    const { stderr } = await make('up', 120_000);

    expect(names.map((name) => pidOf(copy, name))).toEqual(before);
    for (const name of names) expect(stderr).toContain(`${name}: already running`);
  }, 120_000);

  it('make status, without the overrides in its environment, lists every instance ready on the ports it started on', async () => {
    const pids = firstPids();
    const plain = Object.fromEntries(
      Object.entries(env).filter(([name]) => !/PORT$|^GATEWAYS$|^READERS$|^INFRA_/.test(name)),
    );

    const { stdout } = await makeIn(copy, plain)('status', 30_000);

    for (const [n, [service, i]] of instances.entries()) {
      const main = service === 'api-gateway' ? 'http' : 'grpc';
      const ports = `${main} ${port(service, 'main', i)}, probes ${port(service, 'probes', i)}, metrics ${port(service, 'metrics', i)}`;
      expect(stdout).toMatch(new RegExp(`^${service}\\s+ready\\s+pid ${pids[n]}\\s+#${i}\\s+${ports}`, 'm'));
    }
    expect(stdout).toContain(`reader 127.0.0.1:${port('reader-service', 'main', 1)}`);
  });

  it('the two readers share one consumer group, and Kafka spreads the partitions over both', async () => {
    firstPids();

    const members = await eventually(
      () => groupAssignments(testEndpoints().kafkaBrokers, `${id}_reader`),
      (held) => held.length === 2 && held.every((partitions) => partitions > 0),
      { what: 'two readers holding partitions', intervalMs: 500 },
    );

    // 4 partitions of each of the 3 event topics.
    expect(members.reduce((sum, partitions) => sum + partitions, 0)).toBe(12);
  });

  it('make logs follows every instance and prints JSON lines only', async () => {
    firstPids();

    const lines = await followLogs(copy, env, names);

    const notJson = lines.filter((line) => {
      try {
        return typeof JSON.parse(line) !== 'object';
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
  }, 60_000);

  it('make down quickly stops every instance and closes their ports, leaving the servers it did not start running', async () => {
    const pids = firstPids();

    const started = Date.now();
    const { stderr } = await make('down', 180_000);
    const seconds = (Date.now() - started) / 1000;
    console.log(`make down took ${seconds.toFixed(1)} s`);

    for (const [i, pid] of pids.entries()) expect(alive(pid), names[i]).toBe(false);
    expect(recordedPids(copy)).toEqual([]);
    for (const [service, i] of instances)
      for (const kind of kinds)
        expect(await listening(port(service, kind, i)), `${service}-${i} ${kind}`).toBe(false);
    expect(await unreachableServers(testEndpoints())).toEqual([]);
    expect(stderr).toContain(home ? `left running in ${home}` : 'given by KAFKA_BROKERS');
    // Generous: a stuck shutdown waits 30 s for SIGKILL; an idle stack stops in about a second.
    expect(seconds).toBeLessThan(25);
  }, 180_000);
});
