import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Dockerfile, findStage, parseAssignments, type Stage, substitute } from './dockerfile.js';

/**
 * The files `docker build .` would send: what git tracks or would track (untracked files
 * included, .gitignore respected, so work in progress counts), minus what .dockerignore excludes.
 */
export function buildContextFiles(repoRoot: string): string[] {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  const ignored = dockerignoreMatcher(readFileSync(join(repoRoot, '.dockerignore'), 'utf8'));
  return listed.stdout
    .split('\0')
    .filter((file) => file !== '' && !ignored(file) && existsSync(join(repoRoot, file)));
}

export function copyBuildContext(repoRoot: string, dest: string): void {
  for (const file of buildContextFiles(repoRoot)) {
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(dest, file), { verbatimSymlinks: true });
  }
}

/**
 * .dockerignore semantics for the patterns we use: anchored at the context root, `**` spans
 * directories, `*` and `?` stay within one, and a pattern that matches a directory excludes
 * everything below it. Negation (`!`) is not supported and refused rather than misread.
 */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((pattern) => {
      if (pattern.startsWith('!'))
        throw new Error(`.dockerignore negation is not supported here: ${pattern}`);
      const source = pattern
        .replace(/^\/+|\/+$/g, '')
        .split(/(\*\*\/|\*\*|\*|\?)/)
        .map((part) =>
          part === '**/'
            ? '(?:.*/)?'
            : part === '**'
              ? '.*'
              : part === '*'
                ? '[^/]*'
                : part === '?'
                  ? '[^/]'
                  : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
        )
        .join('');
      return new RegExp(`^${source}(?:/.*)?$`);
    });
  return (path) => patterns.some((pattern) => pattern.test(path));
}

/** A built stage: a directory standing in for the image's file system, and its config. */
export interface Image {
  readonly root: string;
  /** The final WORKDIR, as a host path under `root`. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | undefined;
  readonly cmd: readonly string[] | undefined;
  readonly healthcheck: readonly string[] | undefined;
  readonly exposed: readonly number[];
}

export interface BuildOptions {
  readonly context: string;
  /** Stage directories are created here. */
  readonly workDir: string;
  /** Stages already built, by the text of their instruction chain, as BuildKit's layer cache. */
  readonly cache: Map<string, Image>;
  readonly buildArgs?: Readonly<Record<string, string>>;
}

/**
 * Replays a stage's instructions on the host: COPY copies (hard links), RUN runs `sh -c` in the stage's
 * directory with the stage's ARG and ENV values as its only environment (plus PATH and HOME, for
 * the host's node and npm cache). A stage built from an earlier one starts as a hard-linked copy
 * of it. Commands naming absolute paths are refused: here they would touch the host.
 */
export async function buildImage(
  dockerfile: Dockerfile,
  target: string,
  options: BuildOptions,
): Promise<Image> {
  const stage = findStage(dockerfile, target);
  const key = chainKey(dockerfile, stage);
  const cached = options.cache.get(key);
  if (cached) return cached;

  const parentStage = dockerfile.stages.find((s) => s.name === stage.from);
  const parent = parentStage ? await buildImage(dockerfile, parentStage.name, options) : undefined;
  // A stage that neither copies nor runs anything (the writer's `migrate`) shares its parent's tree.
  const writes = stage.instructions.some((i) => i.keyword === 'RUN' || i.keyword === 'COPY');
  const root =
    parent && !writes
      ? parent.root
      : join(options.workDir, createHash('sha256').update(key).digest('hex').slice(0, 12));
  if (parent && writes) await hardLinkCopy(parent.root, root);
  else mkdirSync(root, { recursive: true });

  const args: Record<string, string> = {};
  const env: Record<string, string> = { ...parent?.env };
  let workdir = parent ? parent.cwd.slice(parent.root.length) || '/' : '/';
  let { user, cmd, healthcheck } = parent ?? { user: undefined, cmd: undefined, healthcheck: undefined };
  const exposed = [...(parent?.exposed ?? [])];
  const hostPath = (path: string) => join(root, path.startsWith('/') ? path : join(workdir, path));
  const vars = () => ({ ...dockerfile.globalArgs, ...args, ...env });

  for (const { keyword, flags, args: text, exec } of stage.instructions) {
    const expanded = substitute(text, vars());
    switch (keyword) {
      case 'ARG':
        for (const [name, value] of Object.entries(parseAssignments(text)))
          args[name] = options.buildArgs?.[name] ?? (value || dockerfile.globalArgs[name] || '');
        break;
      case 'ENV':
        Object.assign(env, parseAssignments(expanded));
        break;
      case 'WORKDIR':
        workdir = expanded.startsWith('/') ? expanded : join(workdir, expanded);
        mkdirSync(hostPath(workdir), { recursive: true });
        break;
      case 'COPY': {
        const [source = '', dest = ''] = expanded.split(/\s+/);
        const from = flags.from ? (await buildImage(dockerfile, flags.from, options)).root : options.context;
        await hardLinkCopy(join(from, source), hostPath(dest));
        break;
      }
      case 'RUN':
        if (/(^|[\s=:'"])\/\w/.test(text))
          throw new Error(`refusing to run a command with an absolute path: ${text}`);
        await run(text, hostPath(workdir), {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          ...args,
          ...env,
        });
        break;
      case 'USER':
        user = expanded;
        break;
      case 'EXPOSE':
        exposed.push(...expanded.split(/\s+/).map(Number));
        break;
      case 'CMD':
        cmd = exec ?? ['/bin/sh', '-c', text];
        break;
      case 'HEALTHCHECK':
        healthcheck = exec ?? ['/bin/sh', '-c', text];
        break;
      default:
        throw new Error(`${keyword} is not replayed by this test; teach image-build.ts about it`);
    }
  }

  const image: Image = { root, cwd: hostPath(workdir), env, user, cmd, healthcheck, exposed };
  options.cache.set(key, image);
  return image;
}

/**
 * `COPY dir dest` and `FROM stage`: the directory's contents into dest. Hard links instead of
 * copies keep a replay of hundreds of MB of node_modules fast; npm replaces files rather than
 * editing them in place, so a later stage cannot change an earlier one through a shared inode.
 */
async function hardLinkCopy(source: string, dest: string): Promise<void> {
  mkdirSync(dest, { recursive: true });
  await run(`cp -al ${JSON.stringify(`${source}/.`)} ${JSON.stringify(`${dest}/`)}`, dest, {
    PATH: process.env.PATH ?? '',
  });
}

function chainKey(dockerfile: Dockerfile, stage: Stage): string {
  const parent = dockerfile.stages.find((s) => s.name === stage.from);
  const own = JSON.stringify([stage.from, stage.instructions]);
  return parent ? `${chainKey(dockerfile, parent)}\n${own}` : own;
}

async function run(command: string, cwd: string, env: Record<string, string>): Promise<void> {
  const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`\`${command}\` exited with ${code}:\n${output.slice(-4_000)}`);
}
