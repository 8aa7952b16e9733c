import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from '@cqrs-products/config';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  bindMounts,
  type ComposeFile,
  type ComposeService,
  composeFiles,
  configFile,
  configPorts,
  environmentOf,
  parsePort,
  readCompose,
  repoRoot,
  serviceNames,
  services,
} from './compose-file.js';
import { findStage, readDockerfile } from './dockerfile.js';

const full = readCompose('docker-compose.yaml');
const local = readCompose('docker-compose.local.yaml');
const both = composeFiles.map((file) => [file, readCompose(file)] as const);

/** A built service's health check may live in its Dockerfile: Docker runs that one too. */
function hasHealthcheck(service: ComposeService): boolean {
  if (service.healthcheck) return true;
  if (!service.build) return false;
  const dockerfile = readDockerfile(`${repoRoot}${service.build.dockerfile}`);
  const stage = service.build.target ? findStage(dockerfile, service.build.target) : dockerfile.stages.at(-1);
  return stage?.instructions.some((i) => i.keyword === 'HEALTHCHECK') ?? false;
}

const isJob = (service: ComposeService) => service.restart === 'no';

const hostPort = (address: string) => {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  return { host: url.hostname, port: Number(url.port) };
};

function prometheusTargets(config: string): string[] {
  const parsed = parse(config) as { scrape_configs: { static_configs: { targets: string[] }[] }[] };
  return parsed.scrape_configs.flatMap((job) => job.static_configs.flatMap((s) => s.targets)).sort();
}

describe.each(both)('%s', (file, compose: ComposeFile) => {
  const entries = Object.entries(compose.services);

  it('gives every server and service a health check; only one-shot jobs go without', () => {
    const unchecked = entries.filter(([, s]) => !isJob(s) && !hasHealthcheck(s)).map(([name]) => name);
    expect(unchecked).toEqual([]);
  });

  it('waits only for services that exist and can report what is waited for', () => {
    const dependencies = entries.flatMap(([name, service]) =>
      Object.entries(service.depends_on ?? {}).map(([dependency, { condition }]) => ({
        name,
        dependency,
        condition,
      })),
    );
    expect(dependencies.length).toBeGreaterThan(0);
    for (const { name, dependency, condition } of dependencies) {
      const target = compose.services[dependency];
      expect(target, `${name} depends on missing ${dependency}`).toBeDefined();
      if (condition === 'service_healthy')
        expect(hasHealthcheck(target as ComposeService), dependency).toBe(true);
      else expect(condition, `${name} -> ${dependency}`).toBe('service_completed_successfully');
    }
    // What is waited for until it completes must be a job (it ends). The full file has one, the
    // migration the writer waits for, so the check runs on something; the infrastructure-only
    // file has none.
    const completions = dependencies.filter((d) => d.condition === 'service_completed_successfully');
    expect(completions.length > 0, 'dependencies waited for until they complete').toBe(
      file === 'docker-compose.yaml',
    );
    for (const { dependency } of completions)
      expect(isJob(compose.services[dependency] as ComposeService), dependency).toBe(true);
  });

  it('pins every image to a version, never latest', () => {
    const pulled = entries.filter(([, service]) => !service.build);
    expect(pulled.length).toBeGreaterThan(0);
    for (const [name, service] of pulled) {
      expect(service.image, name).toMatch(/^[\w./-]+:v?\d+(\.\d+)+[\w.-]*$/);
    }
  });

  it('publishes ports on the loopback interface only', () => {
    const published = entries.flatMap(([, s]) => (s.ports ?? []).map(parsePort));
    expect(published.length).toBeGreaterThan(0);
    expect(published.filter((p) => p.hostIp !== '127.0.0.1')).toEqual([]);
  });

  it('lets Kafka advertise, per listener, an address its clients can reach', () => {
    const kafka = environmentOf(compose.services.kafka as ComposeService);
    const publishedPorts = (compose.services.kafka?.ports ?? []).map(parsePort).map((p) => p.host);
    const listeners = (kafka.KAFKA_ADVERTISED_LISTENERS ?? '')
      .split(',')
      .map((listener) => ({ listener, ...hostPort(listener.replace(/^\w+:\/\//, 'tcp://')) }));
    // The listener named by the compose network's host name is for the services inside it.
    const fromHost = listeners.filter(({ host }) => host !== 'kafka');
    expect(fromHost.length).toBeGreaterThan(0);
    for (const { listener, host, port } of fromHost) {
      expect(host, listener).toBe('127.0.0.1');
      expect(publishedPorts, listener).toContain(port);
    }
  });

  it('mounts the Grafana provisioning and dashboards of the repository where Grafana reads them', () => {
    const mounts = bindMounts(compose.services.grafana as ComposeService);
    expect(mounts).toEqual([
      { source: 'monitoring/grafana/provisioning', target: '/etc/grafana/provisioning' },
      { source: 'monitoring/grafana/dashboards', target: '/var/lib/grafana/dashboards' },
    ]);
    for (const { source } of mounts) expect(existsSync(`${repoRoot}${source}`), source).toBe(true);
    const provider = parse(
      readFileSync(`${repoRoot}monitoring/grafana/provisioning/dashboards/dashboards.yaml`, 'utf8'),
    ) as { providers: { options: { path: string } }[] };
    expect(provider.providers.map((p) => p.options.path)).toEqual(['/var/lib/grafana/dashboards']);
  });

  it("points Grafana's provisioned datasources at the Prometheus and Jaeger of this file", () => {
    const datasources = parse(
      readFileSync(`${repoRoot}monitoring/grafana/provisioning/datasources/datasources.yaml`, 'utf8'),
    ) as { datasources: { url: string }[] };
    expect(datasources.datasources.length).toBeGreaterThan(0);
    for (const { url } of datasources.datasources) {
      const { host, port } = hostPort(url);
      expect(compose.services[host], url).toBeDefined();
      expect([9090, 16686]).toContain(port);
    }
  });

  it('initialises MongoDB with scripts/mongo-init.js', () => {
    expect(bindMounts(compose.services.mongo as ComposeService)).toContainEqual({
      source: 'scripts/mongo-init.js',
      target: '/docker-entrypoint-initdb.d/mongo-init.js',
    });
  });
});

describe.each(serviceNames)('docker-compose.yaml: %s', (name) => {
  const service = full.services[name] as ComposeService;
  const env = environmentOf(service);
  const { envMapping, schema } = services[name];
  const ports = configPorts(name);

  it('is built from its own Dockerfile with the repository as context', () => {
    expect(service.build).toEqual({ context: '.', dockerfile: `docker/${name}.Dockerfile` });
  });

  it('sets every variable of its envMapping, and nothing it would not read', () => {
    const known = Object.keys(envMapping);
    const unknown = Object.keys(env).filter((v) => !known.includes(v) && !/^(OTEL_\w+|NODE_ENV)$/.test(v));
    expect(known.filter((v) => !(v in env))).toEqual([]);
    expect(unknown).toEqual([]);
  });

  it('passes the service’s own config validation with those values', () => {
    expect(() => loadConfig({ schema, envMapping, file: configFile(name), env })).not.toThrow();
  });

  it('publishes the ports of its config.yaml, on the same port numbers inside and out', () => {
    const published = (service.ports ?? []).map(parsePort);
    expect(published.map((p) => p.host).sort()).toEqual([ports.main, ports.probes, ports.metrics].sort());
    expect(published.every((p) => p.host === p.container)).toBe(true);
    const portVariable = name === 'api-gateway' ? 'HTTP_PORT' : 'GRPC_PORT';
    expect([env[portVariable], env.PROBES_PORT, env.METRICS_PORT]).toEqual(
      [ports.main, ports.probes, ports.metrics].map(String),
    );
  });

  it('listens on every interface and exports traces to Jaeger over OTLP/HTTP', () => {
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
    expect(full.services.jaeger?.ports?.map(parsePort).map((p) => p.container)).toContain(4318);
  });

  it('is given addresses of compose services, at ports they listen on', () => {
    const kafka = environmentOf(full.services.kafka as ComposeService);
    const internal = (kafka.KAFKA_ADVERTISED_LISTENERS ?? '')
      .split(',')
      .map((l) => l.replace(/^\w+:\/\//, ''));
    for (const broker of (env.KAFKA_BROKERS ?? '').split(',')) expect(internal).toContain(broker);
    const expected: Record<string, { host: string; port: number }> = {
      POSTGRES_URL: { host: 'postgres', port: 5432 },
      MONGO_URI: { host: 'mongo', port: 27017 },
      REDIS_URL: { host: 'redis', port: 6379 },
      READER_SERVICE_ADDR: { host: 'reader-service', port: configPorts('reader-service').main },
    };
    const read = Object.entries(expected).filter(([variable]) => variable in envMapping);
    // Every service reads at least one other server besides Kafka.
    expect(read.length).toBeGreaterThan(0);
    for (const [variable, address] of read) expect(hostPort(env[variable] ?? ''), variable).toEqual(address);
  });
});

describe('docker-compose.yaml: start-up', () => {
  it('migrates the database the writer uses, from the writer image, before the writer starts', () => {
    const migrate = full.services.migrate as ComposeService;
    expect(migrate.build).toEqual({
      context: '.',
      dockerfile: 'docker/writer-service.Dockerfile',
      target: 'migrate',
    });
    expect(environmentOf(migrate).POSTGRES_URL).toBe(
      environmentOf(full.services['writer-service'] ?? {}).POSTGRES_URL,
    );
    expect(full.services['writer-service']?.depends_on?.migrate).toEqual({
      condition: 'service_completed_successfully',
    });
  });

  it('starts the gateway after the writer, which creates the topics the gateway publishes to', () => {
    expect(full.services['api-gateway']?.depends_on?.['writer-service']).toEqual({
      condition: 'service_healthy',
    });
  });

  it('has Prometheus scrape each service at its compose name and metrics port', () => {
    const prometheus = full.services.prometheus as ComposeService;
    expect(bindMounts(prometheus)).toEqual([
      { source: 'monitoring/prometheus.docker.yml', target: '/etc/prometheus/prometheus.yml' },
    ]);
    const expected = serviceNames.map(
      (name) => `${name}:${environmentOf(full.services[name] ?? {}).METRICS_PORT}`,
    );
    expect(prometheusTargets(readFileSync(`${repoRoot}monitoring/prometheus.docker.yml`, 'utf8'))).toEqual(
      expected.sort(),
    );
  });
});

describe('docker-compose.local.yaml', () => {
  it('runs no service of ours: they run on the host', () => {
    expect(Object.keys(local.services).filter((name) => local.services[name]?.build)).toEqual([]);
    for (const name of serviceNames) expect(local.services[name]).toBeUndefined();
  });

  it("publishes each server at the address the services' config.yaml defaults point to", () => {
    const published = Object.values(local.services).flatMap((s) => (s.ports ?? []).map(parsePort));
    const reachable = published.map((p) => `${p.hostIp}:${p.host}`);
    const defaults = serviceNames.flatMap((name) => {
      const config = parse(readFileSync(configFile(name), 'utf8')) as {
        kafka: { brokers: string[] };
        postgres?: { url: string };
        mongo?: { uri: string };
        redis?: { url: string };
      };
      return [...config.kafka.brokers, config.postgres?.url, config.mongo?.uri, config.redis?.url];
    });
    const addresses = defaults.filter((a): a is string => a !== undefined);
    expect(addresses.length).toBeGreaterThan(serviceNames.length);
    for (const address of addresses) {
      const { host, port } = hostPort(address);
      expect(reachable, address).toContain(`${host}:${port}`);
    }
  });

  it("has Prometheus scrape the host's metrics ports through host.docker.internal", () => {
    const prometheus = local.services.prometheus as ComposeService;
    expect(prometheus.extra_hosts).toContain('host.docker.internal:host-gateway');
    const mounted = prometheus.configs?.find((c) => c.target === '/etc/prometheus/prometheus.yml');
    const content = local.configs?.[mounted?.source ?? '']?.content ?? '';
    const expected = serviceNames.map((name) => `host.docker.internal:${configPorts(name).metrics}`);
    expect(prometheusTargets(content)).toEqual(expected.sort());
  });
});
