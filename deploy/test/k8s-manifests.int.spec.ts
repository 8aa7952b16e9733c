import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@cqrs-products/config';
import { beforeAll, describe, expect, it } from 'vitest';
import * as gateway from '../../api-gateway/src/config.js';
import * as reader from '../../reader-service/src/config.js';
import * as writer from '../../writer-service/src/config.js';
import {
  buildTools,
  type Container,
  environmentOf,
  type HpaSpec,
  type K8sObject,
  k8sDir,
  named,
  ofKind,
  overlays,
  type PdbSpec,
  portNumber,
  render,
  repoRoot,
  type ServiceSpec,
  selects,
  type Tools,
  validate,
  type Workload,
} from './k8s-render.js';

/** What each service's own code says about its configuration: the source of truth. */
const services = {
  'api-gateway': { config: gateway, mainPort: 'HTTP_PORT', mainPortName: 'http' },
  'writer-service': { config: writer, mainPort: 'GRPC_PORT', mainPortName: 'grpc' },
  'reader-service': { config: reader, mainPort: 'GRPC_PORT', mainPortName: 'grpc' },
} as const;
const serviceNames = Object.keys(services) as (keyof typeof services)[];
// Read by packages/tracing (the OpenTelemetry SDK's standard names), not by an envMapping.
const tracingVariable = /^OTEL_[A-Z_]+$/;

let tools: Tools;
beforeAll(() => {
  tools = buildTools();
}, 300_000);

describe.each(['base', ...overlays.map((o) => `overlays/${o}`)])('deploy/k8s/%s', (dir) => {
  let objects: K8sObject[];
  beforeAll(() => {
    const result = validate(tools, render(tools, `${k8sDir}${dir}`));
    if (!result.ok) throw new Error(`strict decoding failed:\n${result.errors}`);
    objects = result.objects;
  });
  const deployments = () => ofKind<Workload>(objects, 'Deployment');
  const containerOf = (name: string): Container => {
    const [container, ...sidecars] = named(deployments(), name).spec.template.spec.containers;
    expect(sidecars).toEqual([]);
    return container as Container;
  };
  const envOf = (name: string) => environmentOf(containerOf(name), objects);
  const hpas = () => ofKind<K8sObject & { spec: HpaSpec }>(objects, 'HorizontalPodAutoscaler');

  it('renders objects that all decode strictly into the Kubernetes API types', () => {
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Deployment', 'Service', 'ConfigMap', 'Secret', 'Job', 'PodDisruptionBudget'])
      expect(kinds, kind).toContain(kind);
    expect(hpas().map((h) => h.apiVersion)).toEqual(['autoscaling/v2', 'autoscaling/v2']);
  });

  describe.each(serviceNames)('%s', (name) => {
    const { config, mainPort, mainPortName } = services[name];

    it('checks /live (start-up, liveness) and /ready (readiness) on the port its PROBES_PORT opens', () => {
      const container = containerOf(name);
      const probesPort = Number(envOf(name).PROBES_PORT);
      const probed = (probe: 'startupProbe' | 'livenessProbe' | 'readinessProbe') => {
        const httpGet = container[probe]?.httpGet;
        return httpGet && { path: httpGet.path, port: portNumber(container, httpGet.port) };
      };
      expect(probed('startupProbe')).toEqual({ path: '/live', port: probesPort });
      expect(probed('livenessProbe')).toEqual({ path: '/live', port: probesPort });
      expect(probed('readinessProbe')).toEqual({ path: '/ready', port: probesPort });
    });

    it('requests and limits CPU and memory', () => {
      const { requests, limits } = containerOf(name).resources ?? {};
      expect(Object.keys(requests ?? {}).sort()).toEqual(['cpu', 'memory']);
      expect(Object.keys(limits ?? {}).sort()).toEqual(['cpu', 'memory']);
    });

    it('sets only variables of its envMapping (or OTEL_*), with values its own config validation accepts', () => {
      const env = envOf(name);
      const known = Object.keys(config.envMapping);
      expect(Object.keys(env).filter((v) => !known.includes(v) && !tracingVariable.test(v))).toEqual([]);
      const file = fileURLToPath(config.defaultConfigFile);
      const parsed = loadConfig({ schema: config.configSchema, envMapping: config.envMapping, file, env });
      // config.yaml binds to loopback for the host; a pod must listen on its own address.
      expect(parsed.host).toBe('0.0.0.0');
    });

    it('overrides every default of its config.yaml that points at loopback (bind address, servers)', () => {
      const file = fileURLToPath(config.defaultConfigFile);
      const defaults = loadConfig({
        schema: config.configSchema,
        envMapping: config.envMapping,
        file,
        env: {},
      });
      const loopback = Object.entries(config.envMapping)
        .filter(([, path]) => /127\.0\.0\.1|localhost/.test(JSON.stringify(valueAt(defaults, path)) ?? ''))
        .map(([variable]) => variable);
      expect(loopback).toContain('KAFKA_BROKERS');
      const env = envOf(name);
      expect(loopback.filter((variable) => !env[variable])).toEqual([]);
    });

    it('opens the main and metrics ports its environment configures, and has Prometheus scrape /metrics', () => {
      const container = containerOf(name);
      const env = envOf(name);
      expect(portNumber(container, mainPortName)).toBe(Number(env[mainPort]));
      expect(portNumber(container, 'metrics')).toBe(Number(env.METRICS_PORT));
      expect(named(deployments(), name).spec.template.metadata.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': env.METRICS_PORT,
        'prometheus.io/path': '/metrics',
      });
    });

    it('runs as a numeric non-root user, on a read-only root file system, without privileges', () => {
      const pod = named(deployments(), name).spec.template.spec;
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
      expect(containerOf(name).securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    });

    it('has a Service of its name in front of its pods', () => {
      const service = named(ofKind<K8sObject & { spec: ServiceSpec }>(objects, 'Service'), name);
      expect(selects(service.spec.selector, named(deployments(), name).spec.template.metadata.labels)).toBe(
        true,
      );
    });

    it('has a disruption budget that selects its pods and always leaves one running', () => {
      const deployment = named(deployments(), name);
      const budgets = ofKind<K8sObject & { spec: PdbSpec }>(objects, 'PodDisruptionBudget').filter((b) =>
        selects(b.spec.selector.matchLabels, deployment.spec.template.metadata.labels),
      );
      expect(budgets).toHaveLength(1);
      const fewest =
        deployment.spec.replicas ?? hpas().find((h) => h.spec.scaleTargetRef.name === name)?.spec.minReplicas;
      expect(budgets[0]?.spec.maxUnavailable).toBe(1);
      expect(fewest).toBeGreaterThanOrEqual(2);
    });
  });

  it('has every Service select the pods of one Deployment and forward to ports they name', () => {
    for (const service of ofKind<K8sObject & { spec: ServiceSpec }>(objects, 'Service')) {
      const [target, ...more] = deployments().filter((d) =>
        selects(service.spec.selector, d.spec.template.metadata.labels),
      );
      expect(more, service.metadata.name).toEqual([]);
      const [container] = target?.spec.template.spec.containers ?? [];
      for (const port of service.spec.ports)
        expect(
          container && portNumber(container, port.targetPort),
          `${service.metadata.name} ${port.name}`,
        ).toBe(port.port);
    }
  });

  it('autoscales exactly the gateway and the reader on CPU, and leaves their replica count to it', () => {
    const targets = hpas().map((h) => h.spec.scaleTargetRef);
    expect(targets.map((t) => t.name).sort()).toEqual(['api-gateway', 'reader-service']);
    for (const hpa of hpas()) {
      const target = named(deployments(), hpa.spec.scaleTargetRef.name);
      expect(hpa.spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
      expect(hpa.spec.metrics.map((m) => m.resource?.name)).toEqual(['cpu']);
      // A utilization target is a share of the request: without one the HPA cannot compute it.
      expect(containerOf(target.metadata.name).resources?.requests?.cpu).toBeDefined();
      expect(target.spec.replicas, 'a re-apply would reset what the HPA scaled').toBeUndefined();
    }
  });

  it('scales the reader no further than the partitions its consumer group can hand out', () => {
    const hpa = hpas().find((h) => h.spec.scaleTargetRef.name === 'reader-service');
    expect(hpa?.spec.maxReplicas).toBeLessThanOrEqual(Number(envOf('reader-service').KAFKA_TOPIC_PARTITIONS));
  });

  it('migrates with `npm run migrate:up` from the writer image’s migrate target, on the writer’s database', () => {
    const [job, ...others] = ofKind<Workload>(objects, 'Job');
    expect(others).toEqual([]);
    const [container] = job?.spec.template.spec.containers ?? [];
    expect(container?.command).toEqual(['npm', 'run', 'migrate:up']);
    const scripts = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')).scripts;
    expect(scripts['migrate:up']).toContain('--database-url-var POSTGRES_URL');
    expect(readFileSync(`${repoRoot}docker/writer-service.Dockerfile`, 'utf8')).toMatch(
      /^FROM \S+ AS migrate$/m,
    );
    expect(container?.image).toMatch(/^(.+\/)?cqrs-products\/writer-migrate(:[\w.-]+)?$/);
    const env = environmentOf(container as Container, objects);
    expect(env.POSTGRES_URL).toBe(envOf('writer-service').POSTGRES_URL);
    expect(job?.spec.template.spec.securityContext?.runAsNonRoot).toBe(true);
  });

  it('gives no pod service-link variables (KAFKA_PORT and the like)', () => {
    const pods = ofKind<Workload>(objects, 'Deployment').concat(ofKind<Workload>(objects, 'Job'));
    expect(
      pods.filter((p) => p.spec.template.spec.enableServiceLinks !== false).map((p) => p.metadata.name),
    ).toEqual([]);
  });

  it('sends the gateway’s queries to the reader Service, at its gRPC port', () => {
    const [host, port] = (envOf('api-gateway').READER_SERVICE_ADDR ?? '').split(':');
    const service = named(ofKind<K8sObject & { spec: ServiceSpec }>(objects, 'Service'), host ?? '');
    expect(service.metadata.name).toBe('reader-service');
    expect(service.spec.ports.find((p) => p.name === 'grpc')?.port).toBe(Number(port));
  });
});

const valueAt = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
