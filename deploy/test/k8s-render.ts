import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Renders deploy/k8s/ with the pinned kustomize and decodes the result with deploy/k8s/validate
 * (strict decoding into the Kubernetes API types), both built by scripts/tools/ on first use.
 * The objects the tests read are the validator's output: what the API types understood.
 */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const k8sDir = `${repoRoot}deploy/k8s/`;
export const overlays = readdirSync(`${k8sDir}overlays`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export interface Tools {
  readonly kustomize: string;
  readonly validate: string;
}

/** Each script prints the binary's path, building it first when missing (about 20 s each, cold). */
export function buildTools(): Tools {
  const tool = (script: string) =>
    execFileSync('bash', [`${repoRoot}scripts/tools/${script}`], { encoding: 'utf8' }).trim();
  return { kustomize: tool('kustomize.sh'), validate: tool('k8s-validate.sh') };
}

export const render = (tools: Tools, dir: string): string =>
  execFileSync(tools.kustomize, ['build', dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });

export type Validation =
  | { readonly ok: true; readonly objects: K8sObject[] }
  | { readonly ok: false; readonly errors: string };

export function validate(tools: Tools, yaml: string): Validation {
  const run = spawnSync(tools.validate, [], { input: yaml, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.error) throw run.error;
  return run.status === 0
    ? { ok: true, objects: JSON.parse(run.stdout) as K8sObject[] }
    : { ok: false, errors: run.stderr };
}

// The parts of the API objects these tests read; the validator has already checked the rest.
export type Labels = Readonly<Record<string, string>>;

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Labels; readonly annotations?: Labels };
  readonly spec?: unknown;
  readonly data?: Readonly<Record<string, string>>;
}

export interface Probe {
  readonly httpGet?: { readonly path: string; readonly port: string | number };
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
    readonly configMapKeyRef?: { readonly name: string; readonly key: string };
  };
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly {
    readonly configMapRef?: { readonly name: string };
    readonly secretRef?: { readonly name: string };
  }[];
  readonly resources?: { readonly requests?: Labels; readonly limits?: Labels };
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly securityContext?: {
    readonly allowPrivilegeEscalation?: boolean;
    readonly readOnlyRootFilesystem?: boolean;
    readonly capabilities?: { readonly drop?: readonly string[] };
  };
}

export interface PodTemplate {
  readonly metadata: { readonly labels?: Labels; readonly annotations?: Labels };
  readonly spec: {
    readonly containers: readonly Container[];
    readonly enableServiceLinks?: boolean;
    readonly securityContext?: { readonly runAsNonRoot?: boolean; readonly runAsUser?: number };
  };
}

export interface Workload extends K8sObject {
  readonly spec: { readonly replicas?: number; readonly template: PodTemplate };
}

// Specs of the kinds the tests read beyond pods.
export interface HpaSpec {
  readonly scaleTargetRef: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  readonly minReplicas?: number;
  readonly maxReplicas: number;
  readonly metrics: readonly { readonly resource?: { readonly name: string } }[];
}
export interface ServiceSpec {
  readonly selector?: Labels;
  readonly ports: readonly {
    readonly name?: string;
    readonly port: number;
    readonly targetPort: string | number;
  }[];
}
export interface PdbSpec {
  readonly selector: { readonly matchLabels?: Labels };
  readonly maxUnavailable?: number | string;
}

export const ofKind = <T extends K8sObject = K8sObject>(objects: readonly K8sObject[], kind: string): T[] =>
  objects.filter((o) => o.kind === kind) as T[];

export function named<T extends K8sObject>(objects: readonly T[], name: string): T {
  const found = objects.find((o) => o.metadata.name === name);
  if (!found)
    throw new Error(`no object named ${name} among ${objects.map((o) => o.metadata.name).join(', ')}`);
  return found;
}

export const selects = (selector: Labels | undefined, labels: Labels | undefined): boolean =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([key, value]) => labels?.[key] === value);

/**
 * A container's environment as the process would see it: its ConfigMaps (envFrom), literal values
 * and Secret keys, each reference resolved against the rendered objects (a dangling one throws).
 */
export function environmentOf(container: Container, objects: readonly K8sObject[]): Record<string, string> {
  const dataOf = (kind: string, name: string) => {
    const data = named(ofKind(objects, kind), name).data ?? {};
    return kind === 'Secret'
      ? Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]))
      : data;
  };
  const keyOf = (kind: string, ref: { name: string; key: string }) => {
    const value = dataOf(kind, ref.name)[ref.key];
    if (value === undefined) throw new Error(`${kind} ${ref.name} has no key ${ref.key}`);
    return value;
  };
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, dataOf('ConfigMap', source.configMapRef.name));
    if (source.secretRef) Object.assign(env, dataOf('Secret', source.secretRef.name));
  }
  for (const variable of container.env ?? []) {
    const { secretKeyRef, configMapKeyRef } = variable.valueFrom ?? {};
    if (secretKeyRef) env[variable.name] = keyOf('Secret', secretKeyRef);
    else if (configMapKeyRef) env[variable.name] = keyOf('ConfigMap', configMapKeyRef);
    else env[variable.name] = variable.value ?? '';
  }
  return env;
}

/** The number of a container port given by name or number. */
export function portNumber(container: Container, port: string | number | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}
