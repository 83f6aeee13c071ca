#!/usr/bin/env node
// The test command: build dist/ (end-to-end tests run the real CLI from it), type-check everything
// (tests included), run vitest, and end with one plain line "N passed, N failed" read from
// vitest's JSON report.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const report = '.vitest-report.json';
for (const project of ['tsconfig.build.json', 'tsconfig.json']) {
  const tsc = spawnSync('npx', ['tsc', '-p', project], { stdio: 'inherit' });
  if (tsc.status !== 0) {
    console.log(`0 passed, 1 failed (tsc -p ${project})`);
    process.exit(tsc.status ?? 1);
  }
}
rmSync(report, { force: true });
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests ?? 0;
  failed = (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0);
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
} catch {
  failed = Math.max(failed, 1);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 && passed > 0 ? 0 : run.status || 1);
