import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * For the source checks' own tests: `tree({ 'a/b.ts': text })` writes those files into a fresh
 * directory and returns its path, so each test reads a tree of its own. All of them are removed
 * after the file's tests.
 */
export function scratchTrees(prefix: string): (files: Record<string, string>) => string {
  const scratch = mkdtempSync(join(tmpdir(), `${prefix}-`));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  return (files) => {
    const dir = mkdtempSync(join(scratch, 'tree-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  };
}
