import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  eventually,
  freePort,
  type ServiceName,
  type Stack,
  startStack,
  uniqueName,
} from '@cqrs-products/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * monitoring/ against the real thing: a real Prometheus scrapes a real stack of the three
 * services, and every Grafana panel query is run through Prometheus' query API.
 */

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const monitoringDir = join(repoRoot, 'monitoring');
const dashboardsDir = join(monitoringDir, 'grafana', 'dashboards');
const services: ServiceName[] = ['api-gateway', 'writer-service', 'reader-service'];

let stack: Stack | undefined;
let prometheus: ChildProcess | undefined;
let prometheusUrl = '';
let workDir: string | undefined;

beforeAll(async () => {
  if (!existsSync(PROMETHEUS))
    throw new Error(`${PROMETHEUS} is missing: install Prometheus (make infra-up does) to run this test`);
  const running = await startStack();
  stack = running;
  workDir = mkdtempSync(join(tmpdir(), 'monitoring-spec-'));
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    ...services.flatMap((name) => {
      const target = new URL(running.metricsUrls[name]);
      return [
        `  - job_name: ${name}`,
        `    metrics_path: ${target.pathname}`,
        '    static_configs:',
        `      - targets: ['${target.host}']`,
      ];
    }),
  ].join('\n');
  writeFileSync(join(workDir, 'prometheus.yml'), `${config}\n`);
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  prometheus = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(workDir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stdout?.on('data', (chunk) => output.push(String(chunk)));
  prometheus.stderr?.on('data', (chunk) => output.push(String(chunk)));
  await eventually(
    async () => {
      if (prometheus?.exitCode !== null)
        throw new Error(`prometheus exited with ${prometheus?.exitCode}:\n${output.join('')}`);
      return (await fetch(`${prometheusUrl}/-/ready`).catch(() => undefined))?.ok ?? false;
    },
    (ready) => ready,
    { what: 'Prometheus is ready', timeoutMs: 20_000, intervalMs: 250 },
  );
}, 60_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null && prometheus.signalCode === null) {
    const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
    prometheus.kill('SIGTERM');
    const timer = setTimeout(() => prometheus?.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  await stack?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 60_000);

interface QueryAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}
async function query(expr: string): Promise<QueryAnswer> {
  const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return (await response.json()) as QueryAnswer;
}
/** An instant vector as label value -> sample value, keyed by one label. */
async function vectorBy(expr: string, label: string): Promise<Record<string, number>> {
  const answer = await query(expr);
  if (answer.status !== 'success') throw new Error(`${expr}: ${answer.error}`);
  return Object.fromEntries((answer.data?.result ?? []).map((s) => [s.metric[label], Number(s.value[1])]));
}

interface Panel {
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string }[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  description?: string;
  schemaVersion: number;
  panels: Panel[];
}
const dashboards = readdirSync(dashboardsDir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({
    file,
    dashboard: JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as Dashboard,
  }));
const panelsOf = (dashboard: Dashboard): Panel[] =>
  dashboard.panels
    .flatMap((panel) => [panel, ...(panel.panels ?? [])])
    .filter((panel) => panel.type !== 'row');
/** Grafana's interval variables, as Prometheus itself would see them once Grafana substituted them. */
const withoutGrafanaVariables = (expr: string) =>
  expr.replace(/\$__rate_interval|\$__interval|\$__range|\$\{__rate_interval\}|\$\{__interval\}/g, '1m');

// PromQL words that are not metric names: aggregations, functions, keywords.
const PROMQL_WORDS = new Set(
  [
    'sum min max avg group stddev stdvar count count_values bottomk topk quantile',
    'by without on ignoring group_left group_right bool and or unless offset atan2',
    'abs absent absent_over_time ceil changes clamp clamp_max clamp_min day_of_month day_of_week',
    'day_of_year days_in_month delta deriv exp floor histogram_count histogram_sum histogram_fraction',
    'histogram_quantile holt_winters hour idelta increase irate label_join label_replace ln log2',
    'log10 minute month predict_linear rate resets round scalar sgn sort sort_desc sqrt time timestamp',
    'vector year avg_over_time min_over_time max_over_time sum_over_time count_over_time',
    'quantile_over_time stddev_over_time stdvar_over_time last_over_time present_over_time',
    'acos acosh asin asinh atan atanh cos cosh sin sinh tan tanh deg rad pi inf nan',
  ]
    .join(' ')
    .split(' '),
);
/**
 * The metric names a PromQL expression reads: identifiers left once string literals, label
 * matchers `{...}`, range/subquery selectors `[...]` and grouping clauses `by (...)`, `on (...)`
 * etc. are removed, minus PromQL's own words. Numbers (0.99, 1e3) are not identifiers.
 */
function metricNamesIn(expr: string): string[] {
  const stripped = withoutGrafanaVariables(expr)
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ');
  const names = [...stripped.matchAll(/(?<![\w.:])[a-zA-Z_:][\w:]*/g)].map((match) => match[0]);
  return [...new Set(names.filter((name) => !PROMQL_WORDS.has(name.toLowerCase())))];
}
/** Sample names in a text exposition (histograms appear as _bucket, _sum and _count). */
const sampleNames = (exposition: string) =>
  exposition
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.match(/^[a-zA-Z_:][\w:]*/)?.[0] ?? line);

describe('monitoring/ Prometheus configuration', () => {
  it.each(['prometheus.yml', 'prometheus.docker.yml'])('%s passes promtool check config', (file) => {
    const check = spawnSync(PROMTOOL, ['check', 'config', join(monitoringDir, file)], { encoding: 'utf8' });
    expect(check.error, `${PROMTOOL} is installed with Prometheus`).toBeUndefined();
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  it.each([
    ['prometheus.yml', '127.0.0.1:8001', '127.0.0.1:8002', '127.0.0.1:8003'],
    ['prometheus.docker.yml', 'api-gateway:8001', 'writer-service:8002', 'reader-service:8003'],
  ])('%s scrapes the three services on their metrics ports', (file, gateway, writer, reader) => {
    const text = readFileSync(join(monitoringDir, file), 'utf8');
    for (const [job, target] of [
      ['api-gateway', gateway],
      ['writer-service', writer],
      ['reader-service', reader],
    ]) {
      expect(text).toMatch(new RegExp(`job_name: ${job}\\n[\\s\\S]*?targets: \\[['"]${target}['"]\\]`));
    }
  });
});

describe('a real Prometheus scraping a running stack', () => {
  it('scrapes all three services as up == 1', async () => {
    const up = await eventually(
      () => vectorBy('up', 'job'),
      (value) => services.every((name) => value[name] === 1),
      { what: 'all targets up', intervalMs: 250 },
    );
    expect(up).toEqual({ 'api-gateway': 1, 'writer-service': 1, 'reader-service': 1 });
  });

  it('after a product is created, the gateway, Kafka, outbox and projection series move', async () => {
    const api = `${stack?.apiUrl}/products`;
    const created = await fetch(api, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Monitored ${uniqueName('lamp')}`, description: 'Scraped', price: 12.5 }),
    });
    expect(created.status).toBe(201);
    const { productId } = (await created.json()) as { productId: string };
    await eventually(
      async () => (await fetch(`${api}/${productId}`)).status,
      (status) => status === 200,
      { what: 'the product is readable', intervalMs: 250 },
    );

    const consumed = await eventually(
      () => vectorBy('sum by (service) (kafka_consumer_messages_total{outcome="success"})', 'service'),
      (value) => (value['writer-service'] ?? 0) > 0 && (value['reader-service'] ?? 0) > 0,
      { what: 'consumer counters in Prometheus', intervalMs: 250 },
    );
    expect(consumed['writer-service']).toBeGreaterThanOrEqual(1);
    expect(consumed['reader-service']).toBeGreaterThanOrEqual(1);
    const moved = await eventually(
      async () => ({
        created: await vectorBy(
          'sum by (service) (http_server_request_duration_seconds_count{status_code="201"})',
          'service',
        ),
        produced: await vectorBy(
          'sum by (service) (kafka_producer_messages_total{outcome="success"})',
          'service',
        ),
        projected: await vectorBy('sum by (service) (projection_lag_seconds_count)', 'service'),
      }),
      (value) =>
        (value.created['api-gateway'] ?? 0) > 0 &&
        (value.produced['writer-service'] ?? 0) > 0 &&
        (value.projected['reader-service'] ?? 0) > 0,
      { what: 'request, outbox and projection series in Prometheus', intervalMs: 250 },
    );
    expect(moved.created['api-gateway']).toBeGreaterThanOrEqual(1);
  });
});

describe('Grafana dashboards', () => {
  it('are provisioned as three dashboards with stable uids, each panel described and on the Prometheus datasource', () => {
    expect(dashboards.map(({ file }) => file)).toEqual(['api.json', 'pipeline.json', 'storage.json']);
    expect(dashboards.map(({ dashboard }) => dashboard.uid)).toEqual([
      'cqrs-api',
      'cqrs-pipeline',
      'cqrs-storage',
    ]);
    for (const { file, dashboard } of dashboards) {
      expect(dashboard.title, file).toBeTruthy();
      expect(dashboard.description, file).toBeTruthy();
      expect(dashboard.schemaVersion, file).toBeGreaterThanOrEqual(36);
      for (const panel of panelsOf(dashboard)) {
        const where = `${file} / ${panel.title}`;
        expect(['timeseries', 'stat'], where).toContain(panel.type);
        expect(panel.description, where).toBeTruthy();
        expect(panel.datasource, where).toEqual({ type: 'prometheus', uid: 'prometheus' });
        expect(panel.targets?.length, where).toBeGreaterThan(0);
      }
    }
  });

  it('every panel query is PromQL that Prometheus accepts and reads only metrics the services export', async () => {
    const exported = new Set<string>();
    for (const name of services) {
      const text = await (await fetch(stack?.metricsUrls[name] ?? '')).text();
      for (const sample of sampleNames(text)) exported.add(sample);
    }
    const problems: string[] = [];
    let checked = 0;
    for (const { file, dashboard } of dashboards) {
      for (const panel of panelsOf(dashboard)) {
        for (const target of panel.targets ?? []) {
          const where = `${file} / ${panel.title} / ${target.refId}`;
          const answer = await query(withoutGrafanaVariables(target.expr));
          if (answer.status !== 'success') problems.push(`${where}: Prometheus rejects it: ${answer.error}`);
          const names = metricNamesIn(target.expr);
          if (names.length === 0) problems.push(`${where}: reads no metric`);
          for (const name of names)
            if (!exported.has(name)) problems.push(`${where}: ${name} is not exported by any service`);
          checked += 1;
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });

  it('the metric-name check catches a query on a metric nobody exports', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (le, route) (rate(http_server_request_duration_seconds_bucket{route=~"/a.*"}[$__rate_interval])))',
      ),
    ).toEqual(['http_server_request_duration_seconds_bucket']);
    expect(
      metricNamesIn('sum(rate(a_total{x="sum"}[1m])) / on (service) group_left max(b_seconds) or vector(0)'),
    ).toEqual(['a_total', 'b_seconds']);
  });
});
