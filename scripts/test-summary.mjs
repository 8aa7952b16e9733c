// Prints the one line CI reads, `tests: N passed, N failed`, summed over vitest's JSON reports
// (one per vitest run of `make test`). A missing report (the run broke before its tests started)
// counts as nothing run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '.test-results';
let passed = 0;
let failed = 0;
for (const file of existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : []) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  // A file that fails before its tests run (import error, failing hook) has no failed tests of
  // its own; count it so that such a run is never reported as green.
  for (const file of report.testResults ?? []) {
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === 'failed').length;
    if (file.status === 'failed' && failedTests === 0) failed += 1;
  }
}
console.log(`tests: ${passed} passed, ${failed} failed`);
