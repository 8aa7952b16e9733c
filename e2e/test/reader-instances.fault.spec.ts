import { type GetProductByIdRes, type GetProductsByIdsRes, loadReaderProto } from '@cqrs-products/contracts';
import {
  eventually,
  type Stack,
  startServer,
  startStack,
  stopServer,
  testEndpoints,
} from '@cqrs-products/testing';
import { credentials, type ServiceError, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Two reader instances share one read model (MongoDB, Redis) and one consumer group, so each
 * applies the events of its own partitions only, and either may be asked for any product. What
 * must hold for every read, on either instance, by id or in a batch: once some read has shown
 * version v of a product, no read started after that returns an older version. Checked through
 * a Redis outage and restart (the instance that applies an event cannot write Redis meanwhile,
 * and the restarted Redis has lost its index), with reads running all the time.
 */

const endpoints = testEndpoints();
const products = 12;
const roundsPerPhase = 3;
const logLevel = process.env.FAULTS_LOG_LEVEL ?? 'warn';

interface Read {
  readonly instance: number;
  readonly productId: string;
  readonly startedAt: number;
  readonly version: number;
}

type ReaderStub = ReturnType<typeof readerStub>;

function readerStub(address: string) {
  const { proto } = loadReaderProto();
  const client = new proto.readerService.readerService(address, credentials.createInsecure());
  const deadline = () => ({ deadline: Date.now() + 5_000 });
  return {
    one: (ProductID: string) =>
      new Promise<number | undefined>((resolve, reject) =>
        client.GetProductById(
          { ProductID, MinVersion: 0, ConsistencyToken: '' },
          deadline(),
          (error: ServiceError | null, res?: GetProductByIdRes) => {
            // NOT_FOUND of a product that exists is the oldest answer of all: version 0.
            if (error?.code === status.NOT_FOUND) return resolve(0);
            if (error) return reject(error);
            resolve(res?.Product?.Version);
          },
        ),
      ),
    many: (ProductIDs: string[]) =>
      new Promise<(number | undefined)[]>((resolve, reject) =>
        client.GetProductsByIds(
          { ProductIDs },
          deadline(),
          (error: ServiceError | null, res?: GetProductsByIdsRes) =>
            error || !res
              ? reject(error ?? new Error('no answer'))
              : resolve(res.Lookups.map((l) => (l.Unavailable ? undefined : (l.Product?.Version ?? 0)))),
        ),
      ),
    close: () => client.close(),
  };
}

let stack: Stack;
let stubs: ReaderStub[];
let redisStopped = false;
beforeAll(async () => {
  stack = await startStack(endpoints, { readers: 2, partitions: 4, logLevel });
  stubs = stack.instances['reader-service'].map((instance) => readerStub(instance.address));
}, 240_000);
afterAll(async () => {
  if (redisStopped) await startServer('redis');
  for (const stub of stubs ?? []) stub.close();
  await stack?.stop();
}, 120_000);

const api = (path: string, init?: RequestInit) =>
  fetch(`${stack.apiUrl}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json' },
  });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Stops a process for a while (SIGSTOP, then SIGCONT): its timers fire late, as under a long pause. */
async function pauseProcess(pid: number | undefined, ms: number): Promise<void> {
  if (pid === undefined) throw new Error('the second reader has no process id');
  process.kill(pid, 'SIGSTOP');
  try {
    await sleep(ms);
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

describe('two reader instances over one read model', () => {
  it('never answer a version older than one already shown, through a Redis outage and restart', async () => {
    const ids: string[] = [];
    for (let i = 0; i < products; i++) {
      const res = await api('/products', {
        method: 'POST',
        body: JSON.stringify({ name: `Twin lamp ${i}`, description: 'read by two readers', price: i + 1 }),
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { productId: string }).productId);
    }
    const version = new Map(ids.map((id) => [id, 1]));
    const t0 = performance.now();
    const marks: Record<string, number> = {};
    /** When each version was first shown by a read, per product. */
    const firstShown = new Map(ids.map((id) => [id, new Map<number, number>()]));
    const reads: Read[] = [];
    /** `undefined`: the instance could not answer (UNAVAILABLE), which proves nothing either way. */
    const record = (instance: number, productId: string, startedAt: number, shown: number | undefined) => {
      if (shown === undefined) return;
      reads.push({ instance, productId, startedAt, version: shown });
      const seen = firstShown.get(productId);
      if (shown > 0 && seen && !seen.has(shown)) seen.set(shown, performance.now());
    };

    // Readers that never stop: each instance, by id and in batches, all products.
    let reading = true;
    const phaseReads = { batch: 0, single: 0, failed: 0 };
    const loops = stubs.flatMap((stub, instance) => [
      (async () => {
        while (reading) {
          const startedAt = performance.now();
          try {
            const versions = await stub.many(ids);
            for (const [i, v] of versions.entries()) record(instance, ids[i] as string, startedAt, v);
            phaseReads.batch++;
          } catch {
            phaseReads.failed++;
          }
          await sleep(5);
        }
      })(),
      (async () => {
        let n = instance;
        while (reading) {
          const id = ids[n++ % ids.length] as string;
          const startedAt = performance.now();
          try {
            record(instance, id, startedAt, await stub.one(id));
            phaseReads.single++;
          } catch {
            // UNAVAILABLE while a fallback is refused.
            phaseReads.failed++;
          }
          await sleep(2);
        }
      })(),
    ]);

    /** Updates every product once and waits until each new version has been shown by some read. */
    const round = async (label: string) => {
      for (const id of ids) {
        const next = (version.get(id) ?? 0) + 1;
        const res = await api(`/products/${id}`, {
          method: 'PUT',
          body: JSON.stringify({ name: `Twin lamp ${label} v${next}`, description: 'updated', price: next }),
        });
        expect(res.status, `update of ${id} to ${next}`).toBe(200);
        version.set(id, next);
      }
      const deadline = Date.now() + 60_000;
      while (ids.some((id) => !firstShown.get(id)?.has(version.get(id) ?? 0))) {
        if (Date.now() > deadline) throw new Error(`round ${label}: not every update was shown within 60 s`);
        await sleep(20);
      }
    };

    try {
      const allShown = Date.now() + 60_000;
      while (ids.some((id) => !firstShown.get(id)?.has(1))) {
        if (Date.now() > allShown) throw new Error('the creates were not shown within 60 s');
        await sleep(20);
      }
      for (let r = 0; r < roundsPerPhase; r++) await round(`before-${r}`);
      redisStopped = true;
      marks.stopped = performance.now() - t0;
      await stopServer('redis');
      // Both instances lost Redis at the same instant, so their reconnect back-offs would tick in
      // step and they would come back together. A pause of one (as a loaded CI machine gives)
      // sets them apart: when Redis is back, one instance is connected and warms the index while
      // the other is still waiting out its back-off and applying events (the case this test is for).
      await pauseProcess(stack.instances['reader-service'][1]?.process.child.pid, 1_000);
      for (let r = 0; r < roundsPerPhase; r++) await round(`outage-${r}`);
      marks.restarting = performance.now() - t0;
      await startServer('redis');
      redisStopped = false;
      marks.restarted = performance.now() - t0;
      for (let r = 0; r < roundsPerPhase * 2; r++) await round(`after-${r}`);
    } finally {
      reading = false;
      await Promise.all(loops);
    }

    // Both instances answered, by id and in batches, for every product.
    for (const instance of [0, 1])
      expect(new Set(reads.filter((r) => r.instance === instance).map((r) => r.productId)).size).toBe(
        products,
      );
    expect(phaseReads.batch).toBeGreaterThan(20);
    expect(phaseReads.single).toBeGreaterThan(20);

    // A NOT_FOUND counts as version 0: during the outage every read is a MongoDB read, and an
    // update batch rewrites a document as delete + insert; without its side collection of
    // rewrites (mongo/batch-save.ts) a read between the two answered NOT_FOUND (2-12 per run).
    const older = reads.filter((read) => {
      const seen = firstShown.get(read.productId) ?? new Map<number, number>();
      return [...seen].some(([v, at]) => v > read.version && at < read.startedAt);
    });
    // Right after Redis is back, an instance whose own connection is still in its reconnect
    // back-off applies events too: it writes their cache entries through a fresh connection, and
    // while any instance is between a product's MongoDB and Redis writes its write mark keeps
    // every instance off the old entry (README, "Two or more instances"). No exception, no window.
    const restarted = marks.restarted ?? Number.POSITIVE_INFINITY;
    const justAfterRestart = reads.filter(
      (read) => read.startedAt - t0 >= restarted && read.startedAt - t0 <= restarted + 3_000,
    );
    console.log(
      `two readers: ${reads.length} reads (${justAfterRestart.length} in the 3 s after Redis was back, ${phaseReads.failed} unanswered); ${older.length} older than one shown before`,
    );
    const detail = older.slice(0, 5).map((read) => ({
      ...read,
      startedAt: Math.round(read.startedAt - t0),
      shownBefore: [...(firstShown.get(read.productId) ?? [])]
        .filter(([v, at]) => v > read.version && at < read.startedAt)
        .map(([v, at]) => `v${v} at ${Math.round(at - t0)}`),
    }));
    expect(
      detail,
      `${older.length} of ${reads.length} reads returned a version older than one shown before they started (Redis ${JSON.stringify(marks)})`,
    ).toEqual([]);
    // Every product ends at its last version on both instances. Ends: right after the outage a
    // lookup may still be answered "unavailable" (the index warming up, the bounded MongoDB
    // fallback full; CI saw 3 of 12), which says "ask again", not a version; so each instance is
    // asked until it answers them all, and must then answer exactly the last versions.
    const last = ids.map((id) => version.get(id));
    for (const stub of stubs) {
      const answered = await eventually(
        () => stub.many(ids),
        (versions) => versions.every((v) => v !== undefined),
        { timeoutMs: 30_000, intervalMs: 200, what: 'every product answered' },
      );
      expect(answered).toEqual(last);
    }
  }, 360_000);
});
