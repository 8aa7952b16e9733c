import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildTools,
  environmentOf,
  type K8sObject,
  k8sDir,
  ofKind,
  overlays,
  render,
  type ServiceSpec,
  type Tools,
  validate,
  type Workload,
} from './k8s-render.js';

/** What an overlay adds to the base: where the servers are, and which images run. */
let tools: Tools;
beforeAll(() => {
  tools = buildTools();
}, 300_000);

const renderValid = (dir: string): K8sObject[] => {
  const result = validate(tools, render(tools, dir));
  if (!result.ok) throw new Error(`strict decoding failed:\n${result.errors}`);
  return result.objects;
};
const pods = (objects: readonly K8sObject[]) =>
  ofKind<Workload>(objects, 'Deployment').concat(ofKind<Workload>(objects, 'Job'));

describe.each(overlays)('deploy/k8s/overlays/%s', (overlay) => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = renderValid(`${k8sDir}overlays/${overlay}`);
  });

  it('runs every image at an explicit tag, never latest', () => {
    const images = pods(objects).flatMap((p) => p.spec.template.spec.containers.map((c) => c.image));
    expect(images.length).toBeGreaterThanOrEqual(4);
    expect(images.filter((image) => !/^[\w./-]+:(?!latest$)[\w.-]+$/.test(image))).toEqual([]);
  });

  it('replaces the example connection Secret of the base', () => {
    const [secret] = ofKind(objects, 'Secret');
    const values = Object.values(secret?.data ?? {}).map((v) => Buffer.from(v, 'base64').toString());
    expect(values.length).toBeGreaterThan(0);
    expect(values.filter((v) => /CHANGE-ME|example\.internal/.test(v))).toEqual([]);
  });
});

describe('deploy/k8s/overlays/local', () => {
  let objects: K8sObject[];
  beforeAll(() => {
    objects = renderValid(`${k8sDir}overlays/local`);
  });

  it('points every server address of the services at a Service of this overlay, at a port it serves', () => {
    const services = ofKind<K8sObject & { spec: ServiceSpec }>(objects, 'Service');
    const addresses = pods(objects).flatMap((pod) =>
      pod.spec.template.spec.containers.flatMap((c) => addressesIn(environmentOf(c, objects))),
    );
    expect(new Set(addresses.map((a) => a.variable))).toEqual(
      new Set(['KAFKA_BROKERS', 'READER_SERVICE_ADDR', 'POSTGRES_URL', 'MONGO_URI', 'REDIS_URL']),
    );
    for (const { variable, host, port } of addresses) {
      const service = services.find((s) => s.metadata.name === host);
      expect(
        service?.spec.ports.map((p) => p.port),
        `${variable} -> ${host}:${port}`,
      ).toContain(port);
    }
  });

  it('sets a replication factor its single Kafka broker can hold', () => {
    const replication = pods(objects).flatMap((pod) =>
      pod.spec.template.spec.containers.map((c) => environmentOf(c, objects).KAFKA_TOPIC_REPLICATION_FACTOR),
    );
    expect(new Set(replication.filter(Boolean))).toEqual(new Set(['1']));
  });
});

const defaultPorts: Record<string, number> = { 'postgres:': 5432, 'mongodb:': 27017, 'redis:': 6379 };

/** The server addresses in a service's environment: broker lists, host:port pairs, connection URLs. */
function addressesIn(env: Record<string, string>): { variable: string; host: string; port: number }[] {
  return Object.entries(env).flatMap(([variable, value]) => {
    if (variable === 'KAFKA_BROKERS' || variable === 'READER_SERVICE_ADDR')
      return value.split(',').map((pair) => {
        const [host = '', port = ''] = pair.trim().split(':');
        return { variable, host, port: Number(port) };
      });
    if (!/^(POSTGRES_URL|MONGO_URI|REDIS_URL)$/.test(variable)) return [];
    const url = new URL(value);
    return [{ variable, host: url.hostname, port: Number(url.port) || (defaultPorts[url.protocol] ?? 0) }];
  });
}
