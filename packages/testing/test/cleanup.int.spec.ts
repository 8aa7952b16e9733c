import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { cleanupRun, testEndpoints, uniqueName } from '../src/index.js';

const endpoints = testEndpoints();

describe('test clean-up', () => {
  it("names made during a run carry the run's id (the global set-up gives every worker one)", () => {
    expect(process.env.TEST_RUN_ID).toMatch(/^r[0-9a-z]+$/);
    expect(uniqueName('stack')).toContain(`_${process.env.TEST_RUN_ID}_`);
  });

  it("removes the run's topics, consumer groups, MongoDB and PostgreSQL databases and Redis keys, and nothing else", async () => {
    const runId = `rclean${Math.random().toString(36).slice(2, 6)}`;
    const name = (what: string) => `${what}_${runId}_x`;
    const other = uniqueName('kept');

    const kafka = new Kafka({
      clientId: 'cleanup-test',
      brokers: endpoints.kafkaBrokers,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: name('topic') }, { topic: other }], waitForLeaders: true });
    await admin.setOffsets({
      groupId: name('group'),
      topic: name('topic'),
      partitions: [{ partition: 0, offset: '0' }],
    });
    const mongo = await MongoClient.connect(endpoints.mongoUri);
    await mongo
      .db(name('db'))
      .collection('c')
      .insertOne({ _id: 'x' } as never);
    const redis = new Redis(endpoints.redisUrl);
    await redis.set(`${name('stack')}:key`, '1');
    await redis.set(`${other}:key`, '1');
    const postgres = new pg.Client({ connectionString: endpoints.postgresUrl });
    await postgres.connect();
    await postgres.query(`CREATE DATABASE "${name('test')}"`);

    try {
      const report = await cleanupRun(endpoints, runId);

      expect(report).toEqual({ topics: 1, groups: 1, mongoDatabases: 1, redisKeys: 1, postgresDatabases: 1 });
      expect(await admin.listTopics()).not.toContain(name('topic'));
      expect(await admin.listTopics()).toContain(other);
      const { databases } = await mongo.db().admin().listDatabases({ nameOnly: true });
      expect(databases.map((d) => d.name)).not.toContain(name('db'));
      expect(await redis.exists(`${name('stack')}:key`, `${other}:key`)).toBe(1);
      const { rowCount } = await postgres.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        name('test'),
      ]);
      expect(rowCount).toBe(0);
    } finally {
      await admin.deleteTopics({ topics: [other] }).catch(() => {});
      await admin.disconnect();
      await mongo.close();
      await redis.del(`${other}:key`);
      redis.disconnect();
      await postgres.end();
    }
  });
});
