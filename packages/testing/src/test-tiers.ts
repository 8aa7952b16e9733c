import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// What makes a test more than a unit test: it starts a process, or opens or listens on a socket,
// itself or through the testing helpers that do. Imports of `node:*` modules and calls by name.
const runsProcessOrServer = [
  /from\s+['"](?:node:)?(?:child_process|net|http|https|dgram)['"]/,
  /\.listen\(/,
  /\b(?:runServiceMainToExit|startServiceProcess|spawnProcess|startStack|startServer|stopServer|freePort)\(/,
];
const skippedDirs = new Set(['node_modules', 'dist', '.git', '.infra', '.test-results']);
const relativeImports = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

function specFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return skippedDirs.has(entry.name) ? [] : specFiles(root, join(dir, entry.name));
    return entry.name.endsWith('.unit.spec.ts') ? [relative(root, join(dir, entry.name))] : [];
  });
}

/**
 * Why a test file is no unit test: the first thing that starts a process or a server, in the file
 * or in a test helper it imports (files under a `test/` folder, followed transitively; the code
 * under test is not followed, since a unit test may well test code that a server runs).
 */
function reasonIn(root: string, file: string, seen = new Set<string>()): string | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  const text = readFileSync(join(root, file), 'utf8');
  const hit = runsProcessOrServer.map((pattern) => pattern.exec(text)?.[0]).find(Boolean);
  if (hit) return `${file}: ${hit}`;
  for (const [, specifier = ''] of text.matchAll(relativeImports)) {
    const target = relative(root, resolve(root, dirname(file), specifier.replace(/\.js$/, '.ts')));
    if (!target.split(/[\\/]/).includes('test') || !existsSync(join(root, target))) continue;
    const reason = reasonIn(root, target, seen);
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
  return specFiles(root)
    .sort()
    .flatMap((file) => {
      const reason = reasonIn(root, file.split('\\').join('/'));
      return reason ? [{ file: file.split('\\').join('/'), reason }] : [];
    });
}
