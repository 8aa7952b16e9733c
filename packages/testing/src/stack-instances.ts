import { fileURLToPath } from 'node:url';
import { freePort, type ServiceProcess, startServiceProcess } from './service-process.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export type ServiceName = 'writer-service' | 'reader-service' | 'api-gateway';

/** One running process of a service and where it answers. */
export interface ServiceInstance {
  readonly process: ServiceProcess;
  /** e.g. http://127.0.0.1:41235/metrics */
  readonly metricsUrl: string;
  /** host:port of its gRPC server (writer, reader) or of its HTTP API (gateway). */
  readonly address: string;
}

/** What every instance of a service shares: databases, topics, group, log level. */
export type SharedEnv = Readonly<Record<string, string>>;

export interface InstanceSpec {
  readonly env: Record<string, string>;
  readonly probesPort: number;
  readonly address: string;
  readonly metricsUrl: string;
}

/** The variable that carries each service's main port. */
const mainPortVariable: Record<ServiceName, string> = {
  'writer-service': 'GRPC_PORT',
  'reader-service': 'GRPC_PORT',
  'api-gateway': 'HTTP_PORT',
};

/** Ports of its own for a new instance; everything else as the service's other instances. */
export async function instanceSpec(name: ServiceName, shared: SharedEnv): Promise<InstanceSpec> {
  const [main, metrics, probesPort] = [await freePort(), await freePort(), await freePort()];
  return {
    env: {
      ...shared,
      [mainPortVariable[name]]: String(main),
      METRICS_PORT: String(metrics),
      PROBES_PORT: String(probesPort),
    },
    probesPort,
    address: `127.0.0.1:${main}`,
    metricsUrl: `http://127.0.0.1:${metrics}/metrics`,
  };
}

/** Starts the process of a spec and resolves once it is ready. */
export async function launchInstance(name: ServiceName, spec: InstanceSpec): Promise<ServiceInstance> {
  const process = await startServiceProcess(
    `${repoRoot}${name}`,
    spec.env,
    `http://127.0.0.1:${spec.probesPort}/ready`,
  );
  return { process, metricsUrl: spec.metricsUrl, address: spec.address };
}
