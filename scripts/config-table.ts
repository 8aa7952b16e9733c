/**
 * The README's configuration table, generated from what the services really read: each service's
 * `envMapping` (environment variable -> config key), its `config/config.yaml` and its zod schema
 * (defaults). A unit test (stack/test/readme-config.unit.spec.ts) fails when the README differs.
 *
 *   node --conditions=source --import tsx scripts/config-table.ts          print the table
 *   node --conditions=source --import tsx scripts/config-table.ts --write  update README.md
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type EnvMapping, loadConfig } from '@cqrs-products/config';
import type { z } from 'zod';
import * as gateway from '../api-gateway/src/config.js';
import * as reader from '../reader-service/src/config.js';
import * as writer from '../writer-service/src/config.js';

interface ServiceConfig {
  readonly configSchema: z.ZodType;
  readonly envMapping: EnvMapping;
  readonly defaultConfigFile: URL;
}

const services: Record<string, ServiceConfig> = {
  'api-gateway': gateway,
  'writer-service': writer,
  'reader-service': reader,
};

/** What each variable means; a variable without an entry still gets its row, with an empty cell. */
const meanings: Record<string, string> = {
  LOG_LEVEL: 'pino level: fatal, error, warn, info, debug, trace, silent',
  HOST: 'address every listener binds (`0.0.0.0` in containers)',
  HTTP_PORT: 'REST API, Swagger UI at `/swagger`',
  GRPC_PORT: 'gRPC server (with health service and reflection)',
  PROBES_PORT: '`/live` and `/ready`',
  METRICS_PORT: 'Prometheus `/metrics`',
  HTTP_BODY_LIMIT_BYTES:
    'larger bodies are refused with 413 before parsing; default: the largest valid body plus slack, and never lower',
  KAFKA_BROKERS: 'comma-separated `host:port` list',
  KAFKA_GROUP_ID: 'consumer group',
  KAFKA_TOPIC_PREFIX: 'prefix of every topic name (tests isolate themselves with it)',
  KAFKA_CREATE_TOPICS: 'create the topics at start-up',
  KAFKA_TOPIC_PARTITIONS: 'partitions of created topics',
  KAFKA_TOPIC_REPLICATION_FACTOR: 'replication factor of created topics',
  READER_SERVICE_ADDR: 'reader-service gRPC `host:port` for queries',
  READER_SERVICE_DEADLINE_MS: 'deadline of each query; past it the answer is 503',
  POSTGRES_URL: 'PostgreSQL connection URL (the reader uses it only to rebuild its read model)',
  POSTGRES_POOL_SIZE: 'connections (at least 2: the outbox relay holds one for LISTEN)',
  OUTBOX_POLL_INTERVAL_MS: 'outbox polling fallback when a NOTIFY is missed',
  OUTBOX_BATCH_SIZE: 'outbox rows published per produce request',
  COMMAND_PARK_WINDOW_MS:
    'how long an update or delete of an unknown product waits, parked, for its create before it is dead-lettered',
  KAFKA_PRODUCER_LINGER_MS: 'how long a command may wait for others to share its produce request',
  KAFKA_PRODUCER_MAX_BATCH: 'most commands in one produce request',
  KAFKA_PRODUCER_MAX_QUEUED: 'most commands waiting for Kafka; beyond it 503 with `Retry-After`',
  MONGO_URI: 'MongoDB connection URI',
  MONGO_DATABASE: 'read-model database; default: the one MONGO_URI names, else products',
  MONGO_COLLECTION: 'read-model collection',
  REDIS_URL: 'Redis connection URL',
  REDIS_KEY_PREFIX: 'prefix of cache keys',
  REDIS_TTL_SECONDS:
    'cache entry lifetime, only with `REDIS_INDEX_ENABLED=false` (index entries never expire)',
  KAFKA_MAX_BATCH_SIZE: 'most events projected as one batch',
  SEARCH_POSTGRES_URL:
    "the reader's own search database (created at start if missing); never the writer's `products`",
  SEARCH_POSTGRES_POOL_SIZE: 'search database connections',
  SEARCH_QUERY_TIMEOUT_MS: 'server-side limit of one search (`statement_timeout`); past it 503',
  SEARCH_BACKFILL_CHUNK: 'products copied per statement by the one-time backfill from MongoDB',
  REBUILD_CHUNK: '`npm run read-model:rebuild`: products read from PostgreSQL and inserted per round trip',
  REBUILD_SETTLE_MS: 'rebuild: wait after switching collections until every reader writes the new one',
  REBUILD_CATCH_UP_MARGIN_MS: 'rebuild: longest writer transaction its catch-ups allow for',
  REDIS_INDEX_ENABLED:
    "Redis holds every product's state, so a miss is NOT_FOUND without MongoDB; entries never expire",
  REDIS_INDEX_LOCK_MS: 'expiry of the warm-up lock (renewed while it runs)',
  REDIS_INDEX_WARMUP_CHUNK: 'products copied per Redis round trip during a warm-up',
  REDIS_INDEX_RETRY_MS: 'how soon an instance tries the warm-up again while the index is incomplete',
  READ_FALLBACK_MAX_CONCURRENT: 'MongoDB reads in flight for queries Redis cannot answer; more get 503',
  READ_FALLBACK_FAILURE_THRESHOLD: 'consecutive failed fallback reads that open the breaker',
  READ_FALLBACK_OPEN_MS: 'how long an open breaker refuses before one trial read',
  READ_FALLBACK_TIMEOUT_MS: 'server-side limit (`maxTimeMS`) of one fallback lookup',
  READ_YOUR_WRITES_TIMEOUT_MS:
    'longest wait of a GET with `minVersion` or `consistencyToken` (at most 2000); then 503 with `Retry-After`',
  REDIS_COMMAND_TIMEOUT_MS: 'a slower Redis answer counts as a miss and falls back to MongoDB',
};

const pick = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);

const show = (value: unknown): string => {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `\`${value.join(',')}\``;
  if (value === '') return '(empty)';
  return `\`${String(value)}\``;
};

/** One row per environment variable: its config key, meaning, and each service's default. */
export function configTable(): string {
  const names = Object.keys(services);
  const defaults = Object.fromEntries(
    Object.entries(services).map(([name, service]) => [
      name,
      // The environment is left out on purpose: the defaults are what the files and schema give.
      loadConfig({
        schema: service.configSchema,
        envMapping: service.envMapping,
        file: fileURLToPath(service.defaultConfigFile),
        env: {},
      }),
    ]),
  );
  const variables = [...new Set(Object.values(services).flatMap((s) => Object.keys(s.envMapping)))];
  const rows = variables.map((variable) => {
    const keys = [...new Set(names.map((n) => services[n]?.envMapping[variable]).filter(Boolean))];
    const cells = names.map((name) => {
      const key = services[name]?.envMapping[variable];
      return key ? show(pick(defaults[name], key)) || '(none)' : '—';
    });
    return [`\`${variable}\``, keys.map((k) => `\`${k}\``).join(', '), meanings[variable] ?? '', ...cells];
  });
  const header = ['variable', 'config key', 'meaning', ...names];
  return [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export const tableStart = '<!-- config-table:start (generated: make readme-config) -->';
export const tableEnd = '<!-- config-table:end -->';

/** The table as it stands in a README text, or undefined if the markers are missing. */
export function tableInReadme(readme: string): string | undefined {
  const start = readme.indexOf(tableStart);
  const end = readme.indexOf(tableEnd);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + tableStart.length, end).trim();
}

export const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const table = configTable();
  if (process.argv.includes('--write')) {
    const readme = readFileSync(readmePath, 'utf8');
    if (tableInReadme(readme) === undefined) throw new Error(`README.md lacks ${tableStart} ... ${tableEnd}`);
    const before = readme.slice(0, readme.indexOf(tableStart) + tableStart.length);
    const after = readme.slice(readme.indexOf(tableEnd));
    writeFileSync(readmePath, `${before}\n\n${table}\n\n${after}`);
  } else {
    process.stdout.write(`${table}\n`);
  }
}
