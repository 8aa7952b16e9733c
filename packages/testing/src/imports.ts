import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** One source file and what it imports: `local` as paths relative to the root, `packages` by name. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
  readonly local: readonly string[];
  readonly packages: readonly string[];
}

// Static and dynamic imports and re-exports; type-only imports count too, because a type from an
// adapter ties the core to that adapter just as much as a value does.
const specifiers = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/** Every `.ts` file under `root` (generated code excluded), with its imports. */
export function readSources(root: string): SourceFile[] {
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.split(/[\\/]/).includes('generated'))
    .sort();
  return files.map((file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const local: string[] = [];
    const packages: string[] = [];
    for (const [, specifier = ''] of text.matchAll(specifiers)) {
      if (specifier.startsWith('.')) {
        const target = resolve(root, dirname(file), specifier).replace(/\.js$/, '.ts');
        local.push(relative(root, target).split('\\').join('/'));
      } else packages.push(specifier);
    }
    return { path: file.split('\\').join('/'), text, local, packages };
  });
}

/** The import cycles among `files`, each as the path that closes it (first file repeated last). */
export function importCycles(files: readonly SourceFile[]): string[][] {
  const edges = new Map(files.map((file) => [file.path, file.local] as const));
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (path: string, trail: string[]): void => {
    const seen = trail.indexOf(path);
    if (seen >= 0) {
      cycles.push([...trail.slice(seen), path]);
      return;
    }
    if (done.has(path)) return;
    for (const next of edges.get(path) ?? []) visit(next, [...trail, path]);
    done.add(path);
  };
  for (const path of edges.keys()) visit(path, []);
  return cycles;
}

/** The imports of files under `from` (a folder or file prefix) that reach something `forbidden`. */
export function forbiddenImports(
  files: readonly SourceFile[],
  from: string,
  forbidden: (specifier: string) => boolean,
): string[] {
  return files
    .filter((file) => file.path.startsWith(from))
    .flatMap((file) =>
      [...file.local, ...file.packages].filter(forbidden).map((s) => `${file.path} -> ${s}`),
    );
}
