import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import type { Endpoints } from './endpoints.js';

export interface CleanupReport {
  readonly topics: number;
  readonly groups: number;
  readonly mongoDatabases: number;
  readonly redisKeys: number;
  readonly postgresDatabases: number;
}

/**
 * Removes everything a test run created on the shared servers: every name `uniqueName` made during
 * the run carries the run's id, so this finds them whether or not the test that made them got to
 * its own clean-up (a failed or interrupted test leaves nothing behind either). Without it a
 * developer's Kafka held hundreds of test topics after a few `make test` runs.
 */
export async function cleanupRun(endpoints: Endpoints, runId: string): Promise<CleanupReport> {
  const marker = `_${runId}_`;
  const mine = (name: string) => name.includes(marker);
  const [kafka, mongoDatabases, redisKeys, postgresDatabases] = await Promise.all([
    cleanKafka(endpoints, mine),
    cleanMongo(endpoints, mine),
    cleanRedis(endpoints, marker),
    cleanPostgres(endpoints, mine),
  ]);
  return { ...kafka, mongoDatabases, redisKeys, postgresDatabases };
}

async function cleanKafka(endpoints: Endpoints, mine: (name: string) => boolean) {
  const kafka = new Kafka({
    clientId: 'test-cleanup',
    brokers: endpoints.kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter(mine);
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter(mine);
    for (let i = 0; i < topics.length; i += 50)
      await admin.deleteTopics({ topics: topics.slice(i, i + 50), timeout: 30_000 });
    return { topics: topics.length, groups: groups.length };
  } finally {
    await admin.disconnect();
  }
}

async function cleanMongo(endpoints: Endpoints, mine: (name: string) => boolean): Promise<number> {
  const client = await MongoClient.connect(endpoints.mongoUri, { serverSelectionTimeoutMS: 5_000 });
  try {
    const { databases } = await client.db().admin().listDatabases({ nameOnly: true });
    const names = databases.map((d) => d.name).filter(mine);
    for (const name of names) await client.db(name).dropDatabase();
    return names.length;
  } finally {
    await client.close();
  }
}

async function cleanRedis(endpoints: Endpoints, marker: string): Promise<number> {
  const redis = new Redis(endpoints.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let removed = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${marker}*`, 'COUNT', 1_000);
      if (keys.length > 0) removed += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    return removed;
  } finally {
    redis.disconnect();
  }
}

async function cleanPostgres(endpoints: Endpoints, mine: (name: string) => boolean): Promise<number> {
  const client = new pg.Client({ connectionString: endpoints.postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
    const names = rows.map((r) => r.datname).filter(mine);
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return names.length;
  } finally {
    await client.end();
  }
}
