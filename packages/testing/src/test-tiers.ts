import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// What makes a test more than a unit test: it starts a process, or opens or listens on a socket,
// itself or through the testing helpers that do. Imports of `node:*` modules and calls by name.
const runsProcessOrServer = [
  /from\s+['"](?:node:)?(?:child_process|net|http|https|dgram)['"]/,
  /\.listen\(/,
  /\b(?:runServiceMainToExit|startServiceProcess|spawnProcess|startStack|startServer|stopServer|freePort|followOutput)\(/,
];
// What only a system test does: start a service as a process, alone, as the whole stack, or its
// main until it exits.
const startsServices = [/\b(?:startStack|startServiceProcess|runServiceMainToExit)\(/];
const skippedDirs = new Set(['node_modules', 'dist', '.git', '.infra', '.test-results']);
const relativeImports = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

/** Files under `root` whose name ends with `suffix`, as sorted paths with forward slashes. */
function specFiles(root: string, suffix: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      if (entry.isDirectory())
        return skippedDirs.has(entry.name) ? [] : specFiles(root, suffix, join(dir, entry.name));
      return entry.name.endsWith(suffix) ? [relative(root, join(dir, entry.name)).split('\\').join('/')] : [];
    })
    .sort();
}

/**
 * The first match of `patterns` in a test file or in a test helper it imports (files under a
 * `test/` folder, followed transitively; the code under test is not followed, since a unit test may
 * well test code that a server runs), as "path: what".
 */
function reasonIn(
  root: string,
  file: string,
  patterns: RegExp[],
  seen = new Set<string>(),
): string | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  const text = readFileSync(join(root, file), 'utf8');
  const hit = patterns.map((pattern) => pattern.exec(text)?.[0]).find(Boolean);
  if (hit) return `${file}: ${hit}`;
  for (const [, specifier = ''] of text.matchAll(relativeImports)) {
    const target = relative(root, resolve(root, dirname(file), specifier.replace(/\.js$/, '.ts')));
    if (!target.split(/[\\/]/).includes('test') || !existsSync(join(root, target))) continue;
    const reason = reasonIn(root, target, patterns, seen);
    if (reason) return reason;
  }
  return undefined;
}

/**
 * The `*.unit.spec.ts` files under `root` that start a process or a server, each with the first
 * reason found ("path: what"). A unit test runs no process and no server; one that does belongs
 * to the int or e2e tier, where its name says so.
 */
export function unitTestsRunningProcesses(root: string): { file: string; reason: string }[] {
  return specFiles(root, '.unit.spec.ts').flatMap((file) => {
    const reason = reasonIn(root, file, runsProcessOrServer);
    return reason ? [{ file, reason }] : [];
  });
}

/**
 * The test files outside the system-test workspace (`e2e/` at the root) that are system tests,
 * each with the first reason found: named `*.e2e.spec.ts`, or starting a service as a process, in
 * the file or in a test helper it imports. Everything that starts the services lives in `e2e/`, so
 * a service's own tests run it in-process or not at all.
 */
export function systemTestsOutsideE2e(root: string): { file: string; reason: string }[] {
  return specFiles(root, '.spec.ts')
    .filter((file) => !file.startsWith('e2e/'))
    .flatMap((file) => {
      const reason = file.endsWith('.e2e.spec.ts')
        ? `${file}: named *.e2e.spec.ts`
        : reasonIn(root, file, startsServices);
      return reason ? [{ file, reason }] : [];
    });
}
