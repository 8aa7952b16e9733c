import { type Stack, testEndpoints } from '@cqrs-products/testing';
import { Redis } from 'ioredis';
import { type Admin, Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { afterAll } from 'vitest';
import { type FaultRow, formatFaultTable } from './fault-table.js';

/**
 * What a fault-suite file starts with: the servers' endpoints, a Kafka client of its own for its
 * checks (silent: the faults make it complain), and the rows of its table, printed under `title`
 * after the file's scenarios.
 */
export function faultSuite(clientId: string, title: string, kafkaOptions: Partial<KafkaConfig> = {}) {
  const endpoints = testEndpoints();
  const kafka = new Kafka({
    clientId,
    brokers: endpoints.kafkaBrokers,
    logLevel: logLevel.NOTHING,
    ...kafkaOptions,
  });
  const rows: FaultRow[] = [];
  afterAll(() => {
    if (rows.length > 0) console.log(`\n${title}\n${formatFaultTable(rows)}\n`);
  });
  return { endpoints, kafka, rows };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface StoreClients {
  readonly mongo: MongoClient;
  readonly redis: Redis;
  /** Not connected yet: a scenario connects it when its checks begin. */
  readonly admin: Admin;
}

/** The clients a scenario reads a stack's stores with: its MongoDB, the shared Redis, a Kafka admin. */
export function storeClients(stack: Stack, kafka: Kafka): StoreClients {
  return {
    mongo: new MongoClient(stack.mongoUri),
    redis: new Redis(testEndpoints().redisUrl, { maxRetriesPerRequest: 1 }),
    admin: kafka.admin(),
  };
}

/** Closes a scenario's clients, then its stack. */
export async function closeScenario({ admin, mongo, redis }: StoreClients, stack: Stack): Promise<void> {
  await admin.disconnect();
  await mongo.close();
  redis.disconnect();
  await stack.stop();
}
