// Sums the reports in a folder into the one line the test command ends with:
// "N passed, N failed, N skipped". Exits non-zero when anything failed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

for (const file of readdirSync(dir).sort()) {
  const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const name = file.replace(/\.(check|vitest|playwright)\.json$/, '');
  let t;
  if (file.endsWith('.check.json')) {
    t = { passed: report.check === 'passed' ? 1 : 0, failed: report.check === 'passed' ? 0 : 1, skipped: 0 };
  } else if (file.endsWith('.vitest.json')) {
    // A file that fails to load has no test results but is still a failure.
    const failedFiles = (report.testResults ?? []).filter(
      (r) => r.status === 'failed' && (r.assertionResults ?? []).every((a) => a.status !== 'failed'),
    ).length;
    t = {
      passed: report.numPassedTests ?? 0,
      failed: (report.numFailedTests ?? 0) + failedFiles,
      skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    };
  } else if (file.endsWith('.playwright.json')) {
    const s = report.stats ?? {};
    t = {
      passed: (s.expected ?? 0) + (s.flaky ?? 0),
      failed: (s.unexpected ?? 0) + (report.errors?.length ?? 0),
      skipped: s.skipped ?? 0,
    };
  } else continue;
  lines.push(`  ${name}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  for (const k of Object.keys(totals)) totals[k] += t[k];
}

console.log('\nSuites:');
console.log(lines.join('\n'));
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
