import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Endpoints, followOutput, freePort, infraHome, readInfraEnvFile } from '@cqrs-products/testing';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';

/** Helpers of make-up.e2e.spec.ts: a copy of the working tree and the processes make up starts there. */

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const run = promisify(execFile);

export const makeIn = (copy: string, env: NodeJS.ProcessEnv) => (target: string, timeoutMs: number) =>
  run('make', ['--no-print-directory', target], { cwd: copy, env, timeout: timeoutMs, maxBuffer: 16 << 20 });

/** Every file of the working tree git would see: tracked, plus new files not ignored. */
export function copyWorkingTree(target: string): void {
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

/**
 * The INFRA_HOME whose servers the tests use, if they are the ones of a native instance (its env
 * file names the same endpoints): then make up runs natively against that home and must leave
 * its servers running. Otherwise (servers given some other way) make up gets all four endpoints.
 */
export function testedInfraHome(endpoints: Endpoints): string | undefined {
  const file = readInfraEnvFile();
  const same =
    file.KAFKA_BROKERS === endpoints.kafkaBrokers.join(',') &&
    file.POSTGRES_URL === endpoints.postgresUrl &&
    file.MONGO_URI === endpoints.mongoUri &&
    file.REDIS_URL === endpoints.redisUrl;
  return same ? infraHome() : undefined;
}

export const pidOf = (copy: string, instance: string): number | undefined => {
  const file = join(copy, '.infra', 'run', `${instance}.pid`);
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
};

/** The pids of the services recorded in the copy (its .infra/run holds nothing else of ours). */
export const recordedPids = (copy: string): number[] => {
  const dir = join(copy, '.infra', 'run');
  return (existsSync(dir) ? readdirSync(dir) : [])
    .filter((file) => file.endsWith('.pid'))
    .map((file) => Number(readFileSync(join(dir, file), 'utf8').trim()))
    .filter((pid) => pid > 0);
};

/** Running, not a zombie: an exited orphan stays one until PID 1 reaps it (here ~2 s later). */
export const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

export const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 2_000 });
    const answer = (open: boolean) => () => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', answer(true)).once('error', answer(false)).once('timeout', answer(false));
  });

/**
 * Free base ports of every service (main, probes, metrics) into `base`; the prefixed variables
 * that move them there.
 */
export async function allocateBasePorts(
  base: Record<string, Record<'main' | 'probes' | 'metrics', number>>,
): Promise<Record<string, string>> {
  const taken = new Set<number>();
  const vars: Record<string, string> = {};
  for (const service of ['writer-service', 'reader-service', 'api-gateway']) {
    const prefix = service.toUpperCase().replace('-', '_');
    const ports = {
      main: await freeBasePort(taken),
      probes: await freeBasePort(taken),
      metrics: await freeBasePort(taken),
    };
    base[service] = ports;
    vars[`${prefix}__${service === 'api-gateway' ? 'HTTP_PORT' : 'GRPC_PORT'}`] = String(ports.main);
    vars[`${prefix}__PROBES_PORT`] = String(ports.probes);
    vars[`${prefix}__METRICS_PORT`] = String(ports.metrics);
  }
  return vars;
}

/** A free base port whose second instance (base + 100) is free too. */
async function freeBasePort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 100 > 65535 || taken.has(port) || taken.has(port + 100) || (await listening(port + 100)))
      continue;
    taken.add(port).add(port + 100);
    return port;
  }
}

/**
 * Runs `make logs` until every instance named has a line, then stops it (it follows forever);
 * the lines read so far. Waiting on each instance's own line, not on a time.
 */
export async function followLogs(
  copy: string,
  env: NodeJS.ProcessEnv,
  instances: string[],
): Promise<string[]> {
  const out = await followOutput('make', ['--no-print-directory', 'logs'], {
    cwd: copy,
    env,
    what: 'make logs',
    timeoutMs: 30_000,
    done: (output) => instances.every((name) => output.includes(`"instance":"${name}"`)),
  });
  // Complete lines only: the last chunk may end inside one.
  return out.slice(0, out.lastIndexOf('\n')).split('\n').filter(Boolean);
}

/** How many partitions each member of a consumer group holds (empty while it rebalances). */
export async function groupAssignments(brokers: string[], groupId: string): Promise<number[]> {
  const admin = new Kafka({ clientId: 'make-up-e2e', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([groupId]);
    return (groups[0]?.members ?? []).map((member) => {
      const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      return Object.values(assignment?.assignment ?? {}).reduce(
        (sum, partitions) => sum + partitions.length,
        0,
      );
    });
  } finally {
    await admin.disconnect();
  }
}
