import { loadavg } from 'node:os';
import {
  type InfraServer,
  type Stack,
  startServer,
  startStack,
  stopServer,
  uniqueName,
} from '@cqrs-products/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type CommandStream, describeWaits, startCommandStream, total } from './support/command-stream.js';
import { converge } from './support/converge.js';
import { closeScenario, faultSuite, sleep, storeClients } from './support/fault-suite.js';
import { checkColumns, secondsBetween, writeFaultTable } from './support/fault-table.js';
import { expectDrained, expectEveryChangeOnce } from './support/pipeline-expectations.js';
import { checkPipeline } from './support/pipeline-state.js';
import { injectPoison, type Poison, poisonRecipes, readDeadLetters } from './support/poison.js';

/**
 * The whole system under faults: a stream of creates, updates and deletes goes through the REST
 * API of a fresh stack while one thing breaks (a server stops, a service is killed, poison
 * arrives). Afterwards every command the API accepted is in PostgreSQL exactly once, MongoDB and
 * the cache mirror PostgreSQL, nothing the API rejected was applied, only the poison is
 * dead-lettered, and no partition is stuck.
 *
 * Short by default (`make test`); FAULTS_MODE=full (`make test-faults`) or FAULTS_SCALE=<n> runs
 * longer streams with more concurrent products and longer outages.
 */

const scale = Number(process.env.FAULTS_SCALE ?? (process.env.FAULTS_MODE === 'full' ? 4 : 1));
if (!(scale > 0)) throw new Error(`FAULTS_SCALE must be a positive number, not ${process.env.FAULTS_SCALE}`);
const mode = scale === 1 ? 'short' : `scale ${scale}`;
const seconds = (s: number) => Math.round(s * 1000);
// Products arrive at a fixed rate, each a client of its own (open loop): 100 a second, each a
// create, 0-3 updates 100 ms apart and every fourth a delete, about 275 commands/s, however
// slowly a busy machine answers. At most 300 products at a time: while Kafka is down refused
// clients try again every second, so the attempts go on at about that rate too.
const streamShape = {
  productsPerSecond: Math.round(100 * Math.min(scale, 2)),
  workers: Math.round(300 * Math.min(scale, 2)),
  paceMs: 100,
  /** The stream runs this long before the fault and this long after it is healed. */
  leadMs: seconds(3 * scale),
  trailMs: seconds(3 * scale),
};
const outageMs = (base: number) => seconds(base * Math.min(scale, 2));
const convergeTimeoutMs = 150_000;
const scenarioTimeoutMs = 360_000 + streamShape.leadMs + streamShape.trailMs;

// Warnings and errors only: what a failed scenario prints is what the services said during it.
const serviceLogLevel = process.env.FAULTS_LOG_LEVEL ?? 'warn';
const { endpoints, kafka, rows } = faultSuite('fault-suite', `Fault table (${mode})`, {
  retry: { retries: 3 },
});
const stoppedServers = new Set<InfraServer>();
afterEach(async () => {
  // A scenario that failed mid-outage must not leave the server down for the next one.
  for (const server of stoppedServers) await startServer(server);
  stoppedServers.clear();
});

async function outage(server: InfraServer, ms: number): Promise<void> {
  stoppedServers.add(server);
  await stopServer(server);
  await sleep(ms);
  await startServer(server);
  stoppedServers.delete(server);
}

async function crash(stack: Stack, service: 'writer-service' | 'reader-service', ms: number): Promise<void> {
  await stack.services[service].kill();
  await sleep(ms);
  await stack.restart(service);
}

interface Scenario {
  readonly name: string;
  readonly spec: string;
  /** Breaks something mid-stream and heals it; records any poison it sends in `poison`. */
  readonly inject: (stack: Stack, poison: Poison[]) => Promise<void>;
}

const outageScenario = (name: string, spec: string, server: InfraServer, base: number): Scenario => ({
  name,
  spec,
  inject: () => outage(server, outageMs(base)),
});
const crashScenario = (
  name: string,
  spec: string,
  service: 'writer-service' | 'reader-service',
  base: number,
): Scenario => ({ name, spec, inject: (stack) => crash(stack, service, outageMs(base)) });

const scenarios: Scenario[] = [
  outageScenario('kafka stopped', 'with the Kafka broker stopped for several seconds mid-stream', 'kafka', 8),
  outageScenario('postgres restarted', 'with PostgreSQL restarted mid-stream', 'postgres', 2),
  outageScenario(
    'ferretdb restarted',
    'with the MongoDB-wire server (FerretDB) restarted mid-stream',
    'mongo',
    3,
  ),
  crashScenario(
    'writer SIGKILL',
    'with writer-service killed (SIGKILL) mid-stream and restarted',
    'writer-service',
    2,
  ),
  crashScenario(
    'reader SIGKILL',
    'with reader-service killed (SIGKILL) mid-stream and restarted',
    'reader-service',
    2,
  ),
  {
    name: 'poison messages',
    spec: 'with poison messages on every command and event topic mid-stream',
    inject: async (stack, poison) => {
      poison.push(...(await injectPoison(kafka, poisonRecipes(stack))));
    },
  },
];

describe('the pipeline under faults: every accepted command is applied exactly once, everywhere', () => {
  for (const scenario of scenarios) {
    it(
      `${scenario.spec}: nothing lost, nothing duplicated, read model and cache equal PostgreSQL, only poison dead-lettered`,
      async () => {
        const stack = await startStack(endpoints, serviceLogLevel);
        // The fault restarts the server under the test database's idle connections.
        stack.database.pool.on('error', () => {});
        const clients = storeClients(stack, kafka);
        const { redis, admin } = clients;
        redis.on('error', () => {});
        let stream: CommandStream | undefined;
        try {
          stream = startCommandStream({
            apiUrl: stack.apiUrl,
            workers: streamShape.workers,
            productsPerSecond: streamShape.productsPerSecond,
            paceMs: streamShape.paceMs,
            label: uniqueName('f'),
            warmUp: true,
          });
          await stream.started;
          const streamStartedAt = Date.now();
          await sleep(streamShape.leadMs);
          const faultAt = Date.now();
          const poison: Poison[] = [];
          await scenario.inject(stack, poison);
          const healedAt = Date.now();
          await sleep(streamShape.trailMs);
          // The rate is the stream's while it ran: what the products still running and the
          // deletes still waiting for visibility send after this is counted, its time is not.
          const stoppedAt = Date.now();
          const sentWhileRunning = total(stream.tally.sent);
          const acceptedWhileRunning = total(stream.tally.accepted);
          await stream.stop();
          const streamEndedAt = Date.now();
          console.log(
            `${scenario.name}: stream waits (load average ${loadavg()[0]?.toFixed(1)}, products not started on time ${stream.tally.productsNotStarted}, deletes skipped ${stream.tally.deletesSkipped}): ${describeWaits(stream.tally.waits)}`,
          );
          expectAllServicesRunning(stack);

          // A create sent after everything else (again after a 503, as a client would) becomes
          // visible: no partition on the way is stuck.
          const marker = await stream.createEventually(
            { name: 'Marker lamp', description: 'last one', price: 1 },
            60_000,
          );
          expect(marker, 'the marker create is accepted').toBeDefined();
          const markerVisible = await stream.visible(marker as string, 1, 120_000);
          // When it is not, what the consumers said is the first thing to read.
          const outputs = ['writer-service', 'reader-service'] as const;
          expect(
            markerVisible,
            `the marker becomes visible\n${outputs.map((n) => `${n}:\n${stack.services[n].output().slice(-20_000)}`).join('\n')}`,
          ).toBe(true);

          await admin.connect();
          const { check, convergedAt } = await converge(convergeTimeoutMs, () =>
            checkPipeline({
              stack,
              ...clients,
              expected: stream?.products ?? new Map(),
              accepted: stream?.tally.accepted ?? { create: 0, update: 0, delete: 0 },
              expectedDeadLetters: poison.length,
            }),
          );
          const { tally } = stream;
          const streamSeconds = (stoppedAt - streamStartedAt) / 1000;
          rows.push({
            scenario: scenario.name,
            sent: total(tally.sent),
            accepted: total(tally.accepted),
            rejected: total(tally.rejected),
            commandsPerSecond: Math.round(sentWhileRunning / streamSeconds),
            acceptedPerSecond: Math.round(acceptedWhileRunning / streamSeconds),
            ...checkColumns(check),
            outageSeconds: secondsBetween(faultAt, healedAt),
            convergeSeconds: secondsBetween(streamEndedAt, convergedAt),
          });
          writeFaultTable(rows, mode);

          expect(tally.unexpected, 'every command is answered 2xx or 503').toEqual([]);
          // Totals (processed commands, dead letters, lag) first: they tell where a product went missing.
          const [totals, perProduct] = [
            check.problems.filter((p) => !/^[0-9a-f-]{36}:/.test(p)),
            check.problems.filter((p) => /^[0-9a-f-]{36}:/.test(p)),
          ];
          expect([...totals, ...perProduct].slice(0, 60)).toEqual([]);
          expectEveryChangeOnce(check);
          expectDrained(check);
          expect(check.deadLettered).toBe(poison.length);
          if (poison.length > 0) {
            const records = await readDeadLetters(kafka, stack, poison.length);
            const byId = (list: { poisonId?: string | undefined; id?: string; topic?: string }[]) =>
              list.map((p) => `${p.poisonId ?? p.id} from ${p.topic}`).sort();
            expect(byId(records.map((r) => ({ poisonId: r.poisonId, topic: r.originalTopic })))).toEqual(
              byId(poison),
            );
            for (const record of records) expect(record.dlqTopic).toBe(`${record.originalTopic}.dlq`);
          }
        } finally {
          await stream?.stop();
          await closeScenario(clients, stack);
        }
      },
      scenarioTimeoutMs,
    );
  }
});

/** A fault in a dependency must be waited out, never end a service; the output says why it did. */
function expectAllServicesRunning(stack: Stack): void {
  for (const [name, service] of Object.entries(stack.services)) {
    const { exitCode, signalCode } = service.child;
    const ended = exitCode !== null || signalCode !== null;
    expect(ended, `${name} ended (${exitCode ?? signalCode}):\n${service.output().slice(-4_000)}`).toBe(
      false,
    );
  }
}
