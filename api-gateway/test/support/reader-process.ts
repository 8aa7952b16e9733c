import { fileURLToPath } from 'node:url';
import { freePort, startServiceProcess, testEndpoints } from '@cqrs-products/testing';
import { MongoClient } from 'mongodb';

export interface ReaderProcess {
  readonly grpcPort: number;
  readonly grpcAddr: string;
  readonly metricsUrl: string;
  /** Stops the process and drops its MongoDB database (the run's clean-up drops the rest). */
  stop(): Promise<void>;
}

/**
 * The real reader-service as a process, the gateway's gRPC peer, with a topic prefix, consumer
 * group, MongoDB database, Redis key prefix and search database of its own, all named `id`.
 * Resolves once it is ready.
 */
export async function startReaderProcess(id: string): Promise<ReaderProcess> {
  const [grpcPort, probesPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const endpoints = testEndpoints();
  const reader = await startServiceProcess(
    fileURLToPath(new URL('../../../reader-service', import.meta.url)),
    {
      LOG_LEVEL: 'warn',
      GRPC_PORT: String(grpcPort),
      PROBES_PORT: String(probesPort),
      METRICS_PORT: String(metricsPort),
      KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: `${id}_`,
      KAFKA_GROUP_ID: id,
      KAFKA_TOPIC_PARTITIONS: '1',
      MONGO_URI: endpoints.mongoUri,
      MONGO_DATABASE: id,
      REDIS_URL: endpoints.redisUrl,
      REDIS_KEY_PREFIX: `${id}:`,
      // A search database of its own (the run's clean-up drops it: the name carries the run id).
      SEARCH_POSTGRES_URL: Object.assign(new URL(endpoints.postgresUrl), {
        pathname: `/${id}_search`,
      }).toString(),
    },
    `http://127.0.0.1:${probesPort}/ready`,
  );
  return {
    grpcPort,
    grpcAddr: `127.0.0.1:${grpcPort}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    stop: async () => {
      await reader.stop();
      const mongo = new MongoClient(endpoints.mongoUri);
      await mongo.db(id).dropDatabase();
      await mongo.close();
    },
  };
}
