import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { envMapping as gatewayEnv, configSchema as gatewaySchema } from '../../api-gateway/src/config.js';
import { envMapping as readerEnv, configSchema as readerSchema } from '../../reader-service/src/config.js';
import { envMapping as writerEnv, configSchema as writerSchema } from '../../writer-service/src/config.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The parts of a compose service these tests read; everything else passes through untyped. */
export interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile: string; readonly target?: string };
  readonly environment?: Readonly<Record<string, string | number | boolean | null>>;
  readonly ports?: readonly string[];
  readonly volumes?: readonly string[];
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
  readonly healthcheck?: { readonly test: readonly string[] };
  readonly restart?: string;
  readonly extra_hosts?: readonly string[];
  readonly configs?: readonly { readonly source: string; readonly target: string }[];
}

export interface ComposeFile {
  readonly name: string;
  readonly services: Readonly<Record<string, ComposeService>>;
  readonly configs?: Readonly<Record<string, { readonly content?: string }>>;
  readonly volumes?: Readonly<Record<string, unknown>>;
}

export const composeFiles = ['docker-compose.yaml', 'docker-compose.local.yaml'] as const;

export function readCompose(file: string): ComposeFile {
  return parse(readFileSync(`${repoRoot}${file}`, 'utf8')) as ComposeFile;
}

export const serviceNames = ['api-gateway', 'writer-service', 'reader-service'] as const;
export type ServiceName = (typeof serviceNames)[number];

/** What each service's own code says about its configuration: the source of truth. */
export const services = {
  'api-gateway': { schema: gatewaySchema, envMapping: gatewayEnv, mainPortKey: 'http' },
  'writer-service': { schema: writerSchema, envMapping: writerEnv, mainPortKey: 'grpc' },
  'reader-service': { schema: readerSchema, envMapping: readerEnv, mainPortKey: 'grpc' },
} as const;

export const configFile = (service: ServiceName) => `${repoRoot}${service}/config/config.yaml`;

/** The ports in a service's config.yaml: main (HTTP or gRPC), probes, metrics. */
export function configPorts(service: ServiceName): { main: number; probes: number; metrics: number } {
  const config = parse(readFileSync(configFile(service), 'utf8')) as Record<string, { port: number }>;
  const port = (key: string) => (config[key] as { port: number }).port;
  return { main: port(services[service].mainPortKey), probes: port('probes'), metrics: port('metrics') };
}

/** `127.0.0.1:5001:5001` -> { hostIp, host: 5001, container: 5001 }. */
export function parsePort(spec: string): { hostIp: string | undefined; host: number; container: number } {
  const parts = spec.split(':');
  const container = Number(parts.at(-1));
  const host = Number(parts.at(-2) ?? container);
  return { hostIp: parts.length === 3 ? parts[0] : undefined, host, container };
}

/** A service's environment as the process sees it: strings, compose's `$$` unescaped. */
export function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([name, value]) => [
      name,
      String(value ?? '').replaceAll('$$', '$'),
    ]),
  );
}

/** `./monitoring/x:/etc/x:ro` -> { source: 'monitoring/x', target: '/etc/x' } for bind mounts. */
export function bindMounts(service: ComposeService): { source: string; target: string }[] {
  return (service.volumes ?? [])
    .filter((volume) => volume.startsWith('./'))
    .map((volume) => {
      const [source = '', target = ''] = volume.split(':');
      return { source: source.slice(2), target };
    });
}
