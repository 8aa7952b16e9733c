import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, testEndpoints, uniqueName } from '@cqrs-products/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, type ServiceName, serviceNames } from '../../../docker/test/compose-file.js';
import { readDockerfile } from '../../../docker/test/dockerfile.js';
import { buildImage, copyBuildContext, type Image } from '../../../docker/test/image-build.js';
import { type Container, runInImage, startContainer, untilAnswers } from './support/container-process.js';

/**
 * The Dockerfiles' own steps, replayed on the host (there is no Docker engine here): the build
 * context is copied as `docker build .` would send it, every RUN of the build, prune and runtime
 * stages runs as written, then each image's CMD is started against the real servers. What this
 * cannot show is the base image itself (Node 24 there, the host's node here).
 */
const endpoints = testEndpoints();
const workDir = mkdtempSync(join(tmpdir(), 'cqrs-docker-'));
const images = {} as Record<ServiceName | 'migrate', Image>;
const running: Container[] = [];

beforeAll(async () => {
  const context = join(workDir, 'context');
  copyBuildContext(repoRoot, context);
  const cache = new Map<string, Image>();
  for (const name of serviceNames) {
    const dockerfile = readDockerfile(join(repoRoot, 'docker', `${name}.Dockerfile`));
    images[name] = await buildImage(dockerfile, 'runtime', { context, workDir, cache });
    if (name === 'writer-service')
      images.migrate = await buildImage(dockerfile, 'migrate', { context, workDir, cache });
  }
}, 900_000);

// Hundreds of thousands of hard links: removing them takes a while on a busy machine.
afterAll(async () => {
  await Promise.all(running.map((container) => container.stop()));
  await rm(workDir, { recursive: true, force: true });
}, 600_000);

/** Settings every service gets here: loopback, its own topics, and no span export (no Jaeger here). */
async function baseEnv(): Promise<Record<string, string>> {
  return {
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: `${uniqueName('img')}_`,
    KAFKA_TOPIC_PARTITIONS: '1',
    PROBES_PORT: String(await freePort()),
    METRICS_PORT: String(await freePort()),
    OTEL_TRACES_EXPORTER: 'none',
  };
}

/** Starts the image's CMD, waits for /ready, and checks that its HEALTHCHECK agrees. */
async function startAndCheckHealth(name: ServiceName, env: Record<string, string>): Promise<Container> {
  const container = startContainer(images[name], env);
  running.push(container);
  await untilAnswers(container, `http://127.0.0.1:${env.PROBES_PORT}/ready`);
  const health = await runInImage(images[name], images[name].healthcheck ?? [], env);
  expect(health.code, health.output).toBe(0);
  return container;
}

async function expectCleanStop(name: ServiceName, container: Container, env: Record<string, string>) {
  expect(await container.stop(), container.output()).toBe(0);
  // The health check is no constant: with the process gone it reports unhealthy.
  expect((await runInImage(images[name], images[name].healthcheck ?? [], env)).code).toBe(1);
}

describe('the images built by replaying docker/*.Dockerfile', () => {
  it.each(serviceNames)(
    '%s holds compiled code, production dependencies and the contracts, no sources',
    (name) => {
      const app = join(images[name].root, 'app');
      expect(images[name].cwd).toBe(join(app, name));
      expect(existsSync(join(app, name, 'dist', 'main.js'))).toBe(true);
      expect(existsSync(join(app, 'proto', 'kafka.proto'))).toBe(true);
      for (const tool of ['typescript', 'vitest', 'tsx', '@biomejs'])
        expect(existsSync(join(app, 'node_modules', tool)), tool).toBe(false);
      const workspaces = [name, ...readdirSync(join(app, 'packages')).map((p) => join('packages', p))];
      expect(workspaces.filter((dir) => existsSync(join(app, dir, 'src')))).toEqual([]);
    },
  );

  it('api-gateway starts with its CMD, serves /swagger, passes its HEALTHCHECK and exits 0 on SIGTERM', async () => {
    const env = {
      ...(await baseEnv()),
      HTTP_PORT: String(await freePort()),
      READER_SERVICE_ADDR: `127.0.0.1:${await freePort()}`,
    };
    const gateway = await startAndCheckHealth('api-gateway', env);

    const swagger = await fetch(`http://127.0.0.1:${env.HTTP_PORT}/swagger/json`);
    expect(swagger.status).toBe(200);
    expect(((await swagger.json()) as { openapi: string }).openapi).toMatch(/^3\./);
    expect((await fetch(`http://127.0.0.1:${env.HTTP_PORT}/swagger`)).status).toBe(200);

    await expectCleanStop('api-gateway', gateway, env);
  });

  it('the migrate job migrates an empty database; writer-service then starts on it and exits 0 on SIGTERM', async () => {
    const database = uniqueName('img');
    const admin = new pg.Client({ connectionString: endpoints.postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    const url = new URL(endpoints.postgresUrl);
    url.pathname = `/${database}`;
    try {
      const migrate = await runInImage(images.migrate, images.migrate.cmd ?? [], {
        POSTGRES_URL: url.toString(),
      });
      expect(migrate.code, migrate.output).toBe(0);
      const migrated = new pg.Client({ connectionString: url.toString() });
      await migrated.connect();
      const { rows } = await migrated.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id');
      await migrated.end();
      const files = readdirSync(join(repoRoot, 'migrations')).map((file) => file.replace(/\.sql$/, ''));
      expect(rows.map((row) => row.name)).toEqual(files.sort());

      const env = {
        ...(await baseEnv()),
        GRPC_PORT: String(await freePort()),
        POSTGRES_URL: url.toString(),
        KAFKA_GROUP_ID: uniqueName('img_writer'),
      };
      const writer = await startAndCheckHealth('writer-service', env);
      await expectCleanStop('writer-service', writer, env);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it('reader-service starts with its CMD on MongoDB, Redis and Kafka and exits 0 on SIGTERM', async () => {
    const env = {
      ...(await baseEnv()),
      GRPC_PORT: String(await freePort()),
      MONGO_URI: endpoints.mongoUri,
      MONGO_DATABASE: uniqueName('img'),
      SEARCH_POSTGRES_URL: Object.assign(new URL(endpoints.postgresUrl), {
        pathname: `/${uniqueName('img_search')}`,
      }).toString(),
      REDIS_URL: endpoints.redisUrl,
      REDIS_KEY_PREFIX: `${uniqueName('img')}:`,
      KAFKA_GROUP_ID: uniqueName('img_reader'),
    };
    const reader = await startAndCheckHealth('reader-service', env);
    await expectCleanStop('reader-service', reader, env);
  });
});
