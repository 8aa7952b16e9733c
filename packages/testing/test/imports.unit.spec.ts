import { describe, expect, it } from 'vitest';
import { forbiddenImports, importCycles, readSources } from '../src/index.js';
import { scratchTrees } from './support/scratch-tree.js';

const tree = scratchTrees('imports');

describe('reading the imports of a source tree', () => {
  it('resolves relative imports (static, type-only, re-exports, dynamic) and names packages', () => {
    const dir = tree({
      'a.ts': "import { b } from './b.js';\nimport type { C } from './sub/c.js';\nexport * from './b.js';",
      'b.ts': "import pg from 'pg';\nconst later = () => import('./a.js');",
      'sub/c.ts': "import { z } from 'zod';",
      'generated/x.ts': "import { a } from '../a.js';",
    });
    expect(readSources(dir).map(({ path, local, packages }) => ({ path, local, packages }))).toEqual([
      { path: 'a.ts', local: ['b.ts', 'sub/c.ts', 'b.ts'], packages: [] },
      { path: 'b.ts', local: ['a.ts'], packages: ['pg'] },
      { path: 'sub/c.ts', local: [], packages: ['zod'] },
    ]);
  });

  it('finds a cycle, and none where the imports only go one way', () => {
    const cyclic = readSources(tree({ 'a.ts': "import './b.js';", 'b.ts': "import { a } from './a.js';" }));
    expect(importCycles(cyclic)).toEqual([['a.ts', 'b.ts', 'a.ts']]);
    const oneWay = readSources(tree({ 'a.ts': "import './b.js';", 'b.ts': "import pg from 'pg';" }));
    expect(importCycles(oneWay)).toEqual([]);
  });

  it('lists the forbidden imports of one folder only', () => {
    const sources = readSources(
      tree({
        'domain/p.ts': "import { q } from '../postgres/q.js';\nimport { z } from 'zod';",
        'postgres/q.ts': "import pg from 'pg';",
      }),
    );
    const adapters = (s: string) => s.startsWith('postgres/') || s === 'pg';
    expect(forbiddenImports(sources, 'domain/', adapters)).toEqual(['domain/p.ts -> postgres/q.ts']);
  });
});
