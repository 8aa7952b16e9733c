import { testEndpoints, uniqueName } from '@cqrs-products/testing';
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { type MonitorWatchdog, watchMongoClient } from '../src/mongo/client-health.js';

const log = { info: () => {}, warn: () => {}, error: () => {} };
let client: MongoClient | undefined;
let watchdog: MonitorWatchdog | undefined;
afterEach(async () => {
  watchdog?.stop();
  await client?.close();
});

/**
 * What the fault suite saw after a FerretDB restart, reproduced by hand: the driver's monitor
 * stays "monitoring" (its internal state), so every interval returns at once, no check starts and
 * the server, once Unknown, is never found again.
 */
function wedgeMonitors(c: MongoClient): void {
  const servers = (
    c as unknown as { topology: { s: { servers: Map<string, { monitor: { s: { state: string } } }> } } }
  ).topology.s.servers;
  for (const server of servers.values()) server.monitor.s.state = 'monitoring';
}

const heartbeatsWithin = async (c: MongoClient, ms: number): Promise<number> => {
  let started = 0;
  const count = () => {
    started++;
  };
  c.on('serverHeartbeatStarted', count);
  await new Promise((resolve) => setTimeout(resolve, ms));
  c.off('serverHeartbeatStarted', count);
  return started;
};

describe('a MongoDB client whose monitor stopped checking', () => {
  it('checks nothing any more on its own (the failure the watchdog exists for)', async () => {
    client = new MongoClient(testEndpoints().mongoUri, { heartbeatFrequencyMS: 500 });
    await client.connect();
    expect(await heartbeatsWithin(client, 1_200)).toBeGreaterThan(0);
    wedgeMonitors(client);
    expect(await heartbeatsWithin(client, 1_500)).toBe(0);
  });

  it('is opened again by the watchdog and serves reads and writes again', async () => {
    client = new MongoClient(testEndpoints().mongoUri, {
      heartbeatFrequencyMS: 500,
      serverSelectionTimeoutMS: 2_000,
    });
    await client.connect();
    const products = client.db(uniqueName('watchdog')).collection<{ _id: string }>('products');
    await products.insertOne({ _id: 'before' });
    watchdog = watchMongoClient(client, log, { stallAfterMs: 1_500, checkEveryMs: 100 });
    wedgeMonitors(client);

    await expect.poll(() => watchdog?.reconnects(), { timeout: 10_000, interval: 100 }).toBe(1);
    expect(await heartbeatsWithin(client, 1_200)).toBeGreaterThan(0);
    await products.insertOne({ _id: 'after' });
    expect(await products.countDocuments({})).toBe(2);
  });
});
