import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configPorts, repoRoot, type ServiceName, serviceNames } from './compose-file.js';
import { type Dockerfile, findStage, parseAssignments, readDockerfile, substitute } from './dockerfile.js';
import { buildContextFiles, dockerignoreMatcher } from './image-build.js';

const dockerfiles = Object.fromEntries(
  serviceNames.map((name) => [name, readDockerfile(`${repoRoot}docker/${name}.Dockerfile`)]),
) as Record<ServiceName, Dockerfile>;

const instruction = (dockerfile: Dockerfile, stage: string, keyword: string) =>
  findStage(dockerfile, stage).instructions.filter((i) => i.keyword === keyword);

const runtimeEnv = (dockerfile: Dockerfile) =>
  Object.assign({}, ...instruction(dockerfile, 'runtime', 'ENV').map((i) => parseAssignments(i.args)));

const packageJson = (dir: string) =>
  JSON.parse(readFileSync(`${repoRoot}${dir}package.json`, 'utf8')) as {
    scripts: Record<string, string>;
    dependencies?: Record<string, string>;
    workspaces?: string[];
  };

/** The file with the service's name and ports replaced by placeholders, the writer's migrate stage left out. */
function normalised(name: ServiceName): string {
  const ports = configPorts(name);
  const stages = dockerfiles[name].stages.filter((s) => s.name !== 'migrate');
  return JSON.stringify(stages)
    .replaceAll(name, '<service>')
    .replaceAll(String(ports.main), '<main>')
    .replaceAll(String(ports.probes), '<probes>')
    .replaceAll(String(ports.metrics), '<metrics>');
}

describe('the service Dockerfiles', () => {
  it('differ only in the service name and its ports (and the writer’s migrate stage)', () => {
    expect(normalised('writer-service')).toBe(normalised('api-gateway'));
    expect(normalised('reader-service')).toBe(normalised('api-gateway'));
  });

  it('share the build stage word for word, so BuildKit compiles the workspace once for all three', () => {
    const builds = serviceNames.map((name) => JSON.stringify(findStage(dockerfiles[name], 'build')));
    expect(new Set(builds).size).toBe(1);
  });
});

describe.each(serviceNames)('docker/%s.Dockerfile', (name) => {
  const dockerfile = dockerfiles[name];
  const ports = configPorts(name);

  it('runs on a pinned Node 24 slim image, as the unprivileged node user, in production mode', () => {
    expect(dockerfile.globalArgs.NODE_IMAGE).toMatch(/^node:24\.\d+\.\d+-(\w+-)?slim$/);
    expect(findStage(dockerfile, 'runtime').from).toBe(dockerfile.globalArgs.NODE_IMAGE);
    expect(dockerfile.stages.at(-1)?.name).toBe('runtime');
    expect(instruction(dockerfile, 'runtime', 'USER').map((i) => i.args)).toEqual(['node']);
    expect(runtimeEnv(dockerfile)).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
  });

  it('exposes the ports of config.yaml and checks health on /live of the probes port', () => {
    expect(instruction(dockerfile, 'runtime', 'EXPOSE').map((i) => i.args)).toEqual([
      `${ports.main} ${ports.probes} ${ports.metrics}`,
    ]);
    expect(runtimeEnv(dockerfile).PROBES_PORT).toBe(String(ports.probes));
    const [healthcheck] = instruction(dockerfile, 'runtime', 'HEALTHCHECK');
    expect(healthcheck?.exec?.[0]).toBe('node');
    expect(healthcheck?.exec?.join(' ')).toContain("'http://127.0.0.1:' + process.env.PROBES_PORT + '/live'");
  });

  it("starts the compiled entry point with tracing preloaded, as the package's start script does", () => {
    const [cmd] = instruction(dockerfile, 'runtime', 'CMD');
    expect(cmd?.exec).toEqual(['node', '--import', '@cqrs-products/tracing/register', 'dist/main.js']);
    const workdir = instruction(dockerfile, 'runtime', 'WORKDIR').at(-1)?.args ?? '';
    expect(substitute(workdir, { SERVICE: name })).toBe(`/app/${name}`);
    expect(cmd?.exec?.join(' ')).toBe(packageJson(`${name}/`).scripts.start);
    // A production install keeps only dependencies: the preloaded module must be one.
    expect(packageJson(`${name}/`).dependencies).toHaveProperty('@cqrs-products/tracing');
  });

  it('installs the production dependencies of this one workspace', () => {
    const [arg] = instruction(dockerfile, 'prune', 'ARG');
    expect(parseAssignments(arg?.args ?? '')).toEqual({ SERVICE: name });
    const runs = instruction(dockerfile, 'prune', 'RUN').map((i) => substitute(i.args, { SERVICE: name }));
    expect(runs).toContain(
      `npm ci --omit=dev --workspace ${name} --include-workspace-root=false --no-audit --no-fund`,
    );
  });
});

describe('docker/writer-service.Dockerfile migrate stage', () => {
  it("runs the repository's migrate:up script, which applies migrations/", () => {
    const dockerfile = dockerfiles['writer-service'];
    expect(findStage(dockerfile, 'migrate').from).toBe('build');
    expect(instruction(dockerfile, 'migrate', 'CMD')[0]?.exec).toEqual(['npm', 'run', 'migrate:up']);
    expect(instruction(dockerfile, 'migrate', 'USER').map((i) => i.args)).toEqual(['node']);
    expect(packageJson('').scripts['migrate:up']).toContain('--migrations-dir migrations');
  });
});

describe('.dockerignore', () => {
  const ignored = dockerignoreMatcher(readFileSync(`${repoRoot}.dockerignore`, 'utf8'));

  it('keeps installed and built output, local state and tests out of the build context', () => {
    for (const path of [
      'node_modules/zod/package.json',
      'packages/kafka/node_modules/x/index.js',
      'packages/kafka/dist/index.js',
      '.infra/env',
      '.git/HEAD',
      'writer-service/test/lifecycle.int.spec.ts',
      'docker/api-gateway.Dockerfile',
    ])
      expect(ignored(path), path).toBe(true);
  });

  it('sends every manifest, source and runtime file the images are built from', () => {
    const files = buildContextFiles(repoRoot);
    const workspaces = packageJson('').workspaces ?? [];
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.base.json']),
    );
    for (const workspace of workspaces)
      expect(files).toEqual(
        expect.arrayContaining([`${workspace}/package.json`, `${workspace}/tsconfig.build.json`]),
      );
    expect(files.filter((f) => f.startsWith('proto/') && f.endsWith('.proto')).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.startsWith('migrations/')).length).toBeGreaterThan(0);
    for (const name of serviceNames) expect(files).toContain(`${name}/config/config.yaml`);
  });
});
