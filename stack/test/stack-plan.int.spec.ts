import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configTable } from '../../scripts/config-table.js';

/**
 * What the native `make up` would start, from scripts/stack/plan.sh: the same functions up.sh uses
 * (instances.sh), run without starting anything.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const services = ['api-gateway', 'writer-service', 'reader-service'] as const;
const prefix = (service: string) => service.toUpperCase().replaceAll('-', '_');

/** A clean environment: only what the test sets, so a developer's shell cannot change the plan. */
function plan(vars: Record<string, string> = {}) {
  const result = spawnSync('bash', ['scripts/stack/plan.sh'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...vars },
    encoding: 'utf8',
  });
  const instances = new Map<string, Record<string, string>>();
  for (const line of result.stdout.trim().split('\n').filter(Boolean)) {
    const [name = '', ...assignments] = line.split(' ');
    instances.set(
      name,
      Object.fromEntries(assignments.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)])),
    );
  }
  return { status: result.status, stderr: result.stderr, instances };
}

/** Variables of the README configuration table with the services that read them. */
function readersOf(): Map<string, string[]> {
  const rows = configTable().split('\n').slice(2);
  return new Map(
    rows.map((row) => {
      const cells = row.split('|').map((cell) => cell.trim());
      const variable = (cells[1] ?? '').replaceAll('`', '');
      const readers = services.filter((_, i) => cells[4 + i] !== '—');
      return [variable, readers];
    }),
  );
}

describe('make up: plain variables of the configuration table', () => {
  it('with nothing set, one instance of each service on the ports of the original', () => {
    const { status, instances } = plan();

    expect(status).toBe(0);
    expect(Object.fromEntries(instances)).toEqual({
      'writer-service-0': { GRPC_PORT: '5002', PROBES_PORT: '3002', METRICS_PORT: '8002' },
      'reader-service-0': { GRPC_PORT: '5003', PROBES_PORT: '3003', METRICS_PORT: '8003' },
      'api-gateway-0': {
        HTTP_PORT: '5001',
        PROBES_PORT: '3001',
        METRICS_PORT: '8001',
        READER_SERVICE_ADDR: '127.0.0.1:5003',
      },
    });
  });

  it('HTTP_PORT and READER_SERVICE_ADDR, read by the gateway alone, apply to it', () => {
    const { status, instances } = plan({ HTTP_PORT: '15001', READER_SERVICE_ADDR: '127.0.0.1:9999' });

    expect(status).toBe(0);
    expect(instances.get('api-gateway-0')).toMatchObject({
      HTTP_PORT: '15001',
      READER_SERVICE_ADDR: '127.0.0.1:9999',
    });
  });

  it('the prefixed form wins over the plain one', () => {
    const { instances } = plan({
      HTTP_PORT: '15001',
      API_GATEWAY__HTTP_PORT: '16001',
      READER_SERVICE_ADDR: '127.0.0.1:9999',
      API_GATEWAY__READER_SERVICE_ADDR: '127.0.0.1:8888',
    });

    expect(instances.get('api-gateway-0')).toMatchObject({
      HTTP_PORT: '16001',
      READER_SERVICE_ADDR: '127.0.0.1:8888',
    });
  });

  it('a variable several services read but each needs its own is refused, naming the prefixed forms', () => {
    const shared = [...readersOf()].filter(([, readers]) => readers.length > 1);
    const refused = shared.filter(([variable, readers]) => {
      const { status, stderr } = plan({ [variable]: '12345' });
      if (status === 0) return false;
      for (const service of readers) expect(stderr).toContain(`${prefix(service)}__${variable}`);
      return true;
    });

    expect(refused.map(([variable]) => variable).sort()).toEqual(
      ['GRPC_PORT', 'KAFKA_GROUP_ID', 'METRICS_PORT', 'PROBES_PORT'].sort(),
    );
    // The others are meant to reach every service with one value; a new shared variable must be
    // classified here (and in scripts/stack/instances.sh) before this passes.
    expect(
      shared
        .map(([variable]) => variable)
        .filter((v) => !refused.some(([r]) => r === v))
        .sort(),
    ).toEqual(
      [
        'HOST',
        'KAFKA_BROKERS',
        'KAFKA_CREATE_TOPICS',
        'KAFKA_TOPIC_PARTITIONS',
        'KAFKA_TOPIC_PREFIX',
        'KAFKA_TOPIC_REPLICATION_FACTOR',
        'LOG_LEVEL',
        // The writer's database; the reader reads it only for `npm run read-model:rebuild`.
        'POSTGRES_URL',
      ].sort(),
    );
  });

  it('a prefixed variable reaches its own service only', () => {
    const { instances } = plan({
      WRITER_SERVICE__LOG_LEVEL: 'debug',
      READER_SERVICE__KAFKA_GROUP_ID: 'mine',
    });

    expect(instances.get('writer-service-0')).toMatchObject({ LOG_LEVEL: 'debug' });
    expect(instances.get('writer-service-0')).not.toHaveProperty('KAFKA_GROUP_ID');
    expect(instances.get('reader-service-0')).toMatchObject({ KAFKA_GROUP_ID: 'mine' });
    expect(instances.get('api-gateway-0')).not.toHaveProperty('LOG_LEVEL');
  });
});

describe('make up: instance counts', () => {
  it('instance i gets the base ports + 100 * i, and gateways take the readers in turn', () => {
    const { status, instances } = plan({
      GATEWAYS: '2',
      WRITERS: '3',
      READERS: '3',
      API_GATEWAY__PROBES_PORT: '13001',
    });

    expect(status).toBe(0);
    expect([...instances.keys()]).toEqual([
      'writer-service-0',
      'writer-service-1',
      'writer-service-2',
      'reader-service-0',
      'reader-service-1',
      'reader-service-2',
      'api-gateway-0',
      'api-gateway-1',
    ]);
    expect(instances.get('writer-service-2')).toEqual({
      GRPC_PORT: '5202',
      PROBES_PORT: '3202',
      METRICS_PORT: '8202',
    });
    expect(instances.get('api-gateway-1')).toEqual({
      HTTP_PORT: '5101',
      PROBES_PORT: '13101',
      METRICS_PORT: '8101',
      READER_SERVICE_ADDR: '127.0.0.1:5103',
    });
    expect(plan({ GATEWAYS: '3', READERS: '2' }).instances.get('api-gateway-2')).toMatchObject({
      READER_SERVICE_ADDR: '127.0.0.1:5003',
    });
  });

  it('refuses counts outside 1..9, a port past 65535 and two instances on one port', () => {
    expect(plan({ READERS: '0' }).stderr).toContain("READERS must be a number from 1 to 9, not '0'");
    expect(plan({ GATEWAYS: 'two' }).status).not.toBe(0);
    expect(plan({ GATEWAYS: '2', API_GATEWAY__HTTP_PORT: '65500' }).stderr).toContain(
      'API_GATEWAY__HTTP_PORT',
    );
    const clash = plan({ WRITERS: '2', API_GATEWAY__METRICS_PORT: '8102' });
    expect(clash.status).not.toBe(0);
    expect(clash.stderr).toContain('port 8102 is planned twice');
    expect(plan({ API_GATEWAY__HTTP_PORT: 'abc' }).stderr).toContain(
      "API_GATEWAY__HTTP_PORT must be a port number, not 'abc'",
    );
  });
});

describe('make up with docker compose', () => {
  it('names the variables compose ignores (its settings are in docker-compose.yaml) and scales by the counts', () => {
    const script = `. scripts/stack/lib.sh; . scripts/stack/instances.sh; . scripts/stack/launch.sh; warn_compose_ignored; echo "\${compose_scale[*]}"`;
    const result = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: 'debug',
        WRITER_SERVICE__LOG_LEVEL: 'info',
        GATEWAYS: '2',
        READERS: '3',
      },
      encoding: 'utf8',
    });

    expect(result.stderr).toContain('docker compose ignores LOG_LEVEL WRITER_SERVICE__LOG_LEVEL');
    expect(result.stdout.trim()).toBe('--scale reader-service=3 --scale api-gateway=2');
  });
});
