import { pingKafka } from '@cqrs-products/kafka';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import pg from 'pg';
import type { Endpoints } from './endpoints.js';

/** One real request per server, each failing within a few seconds when nothing answers. */
export const serverChecks = {
  Kafka: {
    env: 'KAFKA_BROKERS',
    where: (e: Endpoints) => e.kafkaBrokers.join(','),
    // The request the services' readiness probes make; the client gives up within seconds.
    check: (e: Endpoints) =>
      pingKafka(
        new Kafka({
          brokers: e.kafkaBrokers,
          clientId: 'test-check',
          connectionTimeout: 3_000,
          retry: { retries: 1 },
          logLevel: logLevel.NOTHING,
        }),
      ),
  },
  PostgreSQL: {
    env: 'POSTGRES_URL',
    where: (e: Endpoints) => redactPassword(e.postgresUrl),
    check: async (e: Endpoints) => {
      const client = new pg.Client({ connectionString: e.postgresUrl, connectionTimeoutMillis: 3_000 });
      await client.connect();
      try {
        await client.query('SELECT 1');
      } finally {
        await client.end();
      }
    },
  },
  MongoDB: {
    env: 'MONGO_URI',
    where: (e: Endpoints) => redactPassword(e.mongoUri),
    check: async (e: Endpoints) => {
      const client = new MongoClient(e.mongoUri, { serverSelectionTimeoutMS: 3_000 });
      try {
        await client.db().command({ ping: 1 });
      } finally {
        await client.close();
      }
    },
  },
  Redis: {
    env: 'REDIS_URL',
    where: (e: Endpoints) => e.redisUrl,
    check: async (e: Endpoints) => {
      const redis = new Redis(e.redisUrl, {
        lazyConnect: true,
        connectTimeout: 3_000,
        maxRetriesPerRequest: 0,
      });
      try {
        await redis.connect();
        await redis.ping();
      } finally {
        redis.disconnect();
      }
    },
  },
} as const;

/** Checks every server and returns one readable line per server that did not answer. */
export async function unreachableServers(endpoints: Endpoints): Promise<string[]> {
  const results = await Promise.all(
    Object.entries(serverChecks).map(async ([name, { env, where, check }]) => {
      try {
        await check(endpoints);
        return undefined;
      } catch (error) {
        return `${name} is not reachable at ${where(endpoints)} (${env}): ${(error as Error).message}`;
      }
    }),
  );
  return results.filter((line): line is string => line !== undefined);
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
