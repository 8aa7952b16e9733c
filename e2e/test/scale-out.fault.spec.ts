import { productTopics } from '@cqrs-products/contracts';
import { type Stack, startStack, uniqueName } from '@cqrs-products/testing';
import { describe, expect, it } from 'vitest';
import { startCommandStream, total } from './support/command-stream.js';
import { converge } from './support/converge.js';
import { checkEventOrder } from './support/event-order.js';
import { closeScenario, faultSuite, sleep, storeClients } from './support/fault-suite.js';
import { checkColumns, secondsBetween, writeFaultTable } from './support/fault-table.js';
import {
  groupMemberIds,
  type RebalanceWatch,
  waitUntilSpread,
  watchRebalance,
} from './support/group-rebalance.js';
import { expectDrained, expectEveryChangeOnce } from './support/pipeline-expectations.js';
import { checkPipeline } from './support/pipeline-state.js';
import { scrapeSumsOf } from './support/service-metrics.js';

/**
 * Scale-out under a crash: three writers and three readers share one stack's databases, topics and
 * consumer groups (6 partitions per topic, so each instance owns a third of them). Mid-stream one writer
 * and one reader are killed with SIGKILL and replaced by new processes, as an orchestrator replaces
 * a crashed pod; the stream goes on until both groups are whole again. Afterwards every accepted
 * command is applied exactly once, every product's events are in order, MongoDB and the cache
 * equal PostgreSQL, and the fault table reports how long each group took to rebalance.
 *
 * Three relays run at once here (one per writer) and one of them dies, possibly mid-batch: the
 * event-order check below (each product's events on Kafka in version order, repeats only of a
 * re-sent batch) and the outbox/read-model checks prove end to end what
 * writer-service/test/relay.int.spec.ts proves for two relays on one database.
 *
 * Same stream shape as the pipeline suite: short by default, FAULTS_MODE=full or FAULTS_SCALE=<n>
 * longer.
 */
const scale = Number(process.env.FAULTS_SCALE ?? (process.env.FAULTS_MODE === 'full' ? 4 : 1));
if (!(scale > 0)) throw new Error(`FAULTS_SCALE must be a positive number, not ${process.env.FAULTS_SCALE}`);
const mode = scale === 1 ? 'scale-out short' : `scale-out scale ${scale}`;
const seconds = (s: number) => Math.round(s * 1000);
const streamShape = {
  workers: Math.round(60 * Math.min(scale, 2)),
  paceMs: 100,
  leadMs: seconds(3 * scale),
  trailMs: seconds(3 * scale),
};
const instances = 3;
const partitions = 6;
// The reader the gateway queries is the first; killing another keeps reads answering.
const killed = 1;
const rebalanceTimeoutMs = 120_000;
const convergeTimeoutMs = 150_000;
// Seven processes start one after the other before the stream begins.
const timeoutMs = 600_000 + streamShape.leadMs + streamShape.trailMs;
// Small relay batches: many batches in flight at once, so relays that were not serialised would
// overtake each other. A relay re-sends at most the batch it had in flight when its writer died.
const relayBatchSize = 10;

const { endpoints, kafka, rows } = faultSuite('scale-out-suite', `Fault table (${mode})`);

const consumers = (stack: Stack) => {
  const { commands, events } = productTopics(stack.topicPrefix);
  return [
    { service: 'writer-service', topics: Object.values(commands) },
    { service: 'reader-service', topics: Object.values(events) },
  ] as const;
};

describe('scale-out: 3 writers and 3 readers, one of each killed (SIGKILL) and replaced mid-stream', () => {
  it(
    'nothing lost or duplicated, every product in order, MongoDB and the cache equal PostgreSQL, both groups whole and caught up again',
    async () => {
      const stack = await startStack(endpoints, {
        logLevel: process.env.FAULTS_LOG_LEVEL ?? 'warn',
        writers: instances,
        readers: instances,
        partitions,
        env: { OUTBOX_BATCH_SIZE: String(relayBatchSize) },
      });
      const clients = storeClients(stack, kafka);
      const { admin } = clients;
      const stream = startCommandStream({
        apiUrl: stack.apiUrl,
        workers: streamShape.workers,
        paceMs: streamShape.paceMs,
        label: uniqueName('s'),
      });
      try {
        await admin.connect();
        const streamStartedAt = Date.now();
        const groups = consumers(stack);
        // Before the fault, each group is already spread over all its instances.
        for (const { service, topics } of groups)
          await waitUntilSpread(
            { admin, groupId: stack.consumerGroups[service], topics, partitions },
            instances,
          );
        await sleep(streamShape.leadMs);

        const before = await Promise.all(
          groups.map(({ service }) => groupMemberIds(admin, stack.consumerGroups[service])),
        );
        const killedAt = Date.now();
        await Promise.all(groups.map(({ service }) => stack.instances[service][killed]?.process.kill()));
        const watches: RebalanceWatch[] = groups.map(({ service, topics }, i) =>
          watchRebalance({
            admin,
            groupId: stack.consumerGroups[service],
            topics,
            partitions,
            members: instances,
            before: before[i] as Set<string>,
            timeoutMs: rebalanceTimeoutMs,
          }),
        );
        const replacedAt = await Promise.all(
          groups.map(async ({ service }) => {
            await stack.replace(service, killed);
            return Date.now();
          }),
        );
        // The stream goes on through the whole rebalance, then a little longer.
        await Promise.all(watches.map((watch) => watch.whole));
        await sleep(streamShape.trailMs);
        await stream.stop();
        const streamEndedAt = Date.now();
        expectAllInstancesRunning(stack);

        // A create sent after everything else becomes visible: no partition on the way is stuck.
        const marker = await stream.createEventually(
          { name: 'Marker lamp', description: 'last one', price: 1 },
          60_000,
        );
        expect(marker, 'the marker create is accepted').toBeDefined();
        expect(await stream.visible(marker as string, 1, 120_000), 'the marker becomes visible').toBe(true);

        const [writerCaughtUp, readerCaughtUp] = await Promise.all(watches.map((watch) => watch.caughtUp));
        const [writerWhole, readerWhole] = await Promise.all(watches.map((watch) => watch.whole));
        const since = (at: number | null | undefined) =>
          at === null || at === undefined ? null : Math.round((at - killedAt) / 100) / 10;
        const shown = (at: number | null | undefined) => `${since(at) ?? 'never'}`;
        console.log(
          `after the kill: replacements ready at ${replacedAt.map(shown).join(' and ')} s; writers whole at ${shown(writerWhole)} s, caught up at ${shown(writerCaughtUp)} s; readers whole at ${shown(readerWhole)} s, caught up at ${shown(readerCaughtUp)} s`,
        );

        const { check, convergedAt } = await converge(convergeTimeoutMs, () =>
          checkPipeline({
            stack,
            ...clients,
            expected: stream.products,
            accepted: stream.tally.accepted,
            expectedDeadLetters: 0,
          }),
        );
        const order = await checkEventOrder(kafka, stack.topicPrefix);
        const outboxRows = Number(
          (await stack.database.pool.query<{ count: string }>('SELECT count(*) FROM outbox')).rows[0]?.count,
        );
        const metrics = await Promise.all(
          groups.map(({ service }) =>
            scrapeSumsOf(
              stack.instances[service].map((instance) => instance.metricsUrl),
              ['kafka_consumer_group_member', 'kafka_consumer_restarts_total'],
            ),
          ),
        );
        console.log(
          `event topics: ${order.events} events for ${outboxRows} outbox rows, ${order.repeated} re-sent; members by metrics: writers ${metrics[0]?.kafka_consumer_group_member}, readers ${metrics[1]?.kafka_consumer_group_member}`,
        );

        const { tally } = stream;
        rows.push({
          scenario: `${instances} writers + ${instances} readers, 1 + 1 killed`,
          sent: total(tally.sent),
          accepted: total(tally.accepted),
          rejected: total(tally.rejected),
          commandsPerSecond: Math.round(total(tally.sent) / ((streamEndedAt - streamStartedAt) / 1000)),
          ...checkColumns(check),
          outageSeconds: 0,
          convergeSeconds: secondsBetween(streamEndedAt, convergedAt),
          writerRebalanceSeconds: since(writerCaughtUp),
          readerRebalanceSeconds: since(readerCaughtUp),
        });
        writeFaultTable(rows, mode, 'scale-out-fault-table.json');

        expect(tally.unexpected, 'every command is answered 2xx or 503').toEqual([]);
        expect(check.problems.slice(0, 20)).toEqual([]);
        expectEveryChangeOnce(check);
        expectDrained(check);
        expect(order.outOfOrder.slice(0, 20), 'each product’s events in version order').toEqual([]);
        expect(order.events, 'every outbox row is on its event topic').toBe(outboxRows);
        expect(order.repeated, 'only the batch in flight at the kill is re-sent').toBeLessThanOrEqual(
          relayBatchSize,
        );
        expect(writerCaughtUp, 'the writer group is whole and caught up again').not.toBeNull();
        expect(readerCaughtUp, 'the reader group is whole and caught up again').not.toBeNull();
        // What the services say agrees with the coordinator: every live instance is a member.
        for (const sums of metrics) {
          expect(sums.kafka_consumer_group_member).toBe(instances);
          expect(sums.kafka_consumer_restarts_total, 'no consumer was replaced by its supervisor').toBe(0);
        }
      } finally {
        await stream.stop();
        await closeScenario(clients, stack);
      }
    },
    timeoutMs,
  );
});

/** No instance may end, except the killed ones, which were replaced. */
function expectAllInstancesRunning(stack: Stack): void {
  for (const [name, list] of Object.entries(stack.instances))
    list.forEach(({ process }, i) => {
      const { exitCode, signalCode } = process.child;
      const ended = exitCode !== null || signalCode !== null;
      expect(
        ended,
        `${name} #${i} ended (${exitCode ?? signalCode}):\n${process.output().slice(-4_000)}`,
      ).toBe(false);
    });
}
