// Prints the one line CI reads, from vitest's JSON report: `tests: N passed, N failed`.
// A missing report (the run broke before tests started) counts as nothing run.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.test-results/vitest.json';
let passed = 0;
let failed = 0;
if (existsSync(file)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed = report.numPassedTests ?? 0;
  // A file that fails before its tests run (import error, failing hook) has no failed tests of
  // its own; count it so that such a run is never reported as green.
  failed = Math.max(report.numFailedTests ?? 0, report.numFailedTestSuites ?? 0);
}
console.log(`tests: ${passed} passed, ${failed} failed`);
