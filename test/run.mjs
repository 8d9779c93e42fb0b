#!/usr/bin/env node
// `npm test`: runs every suite (lint, type checks, build, unit + contract, LVM2 interop,
// end-to-end, kernel, security) and ends with one plain line `N passed, N failed` summing
// them all; exits non-zero on any failure. With CI=true a skipped test counts as a failure,
// because in CI every tool is installed by .ci/run and nothing may skip.
//
// Usage: node test/run.mjs [step…]   (steps: lint types build unit interop e2e kernel security)

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const CI = process.env.CI === 'true' || process.env.CI === '1';
const RESULTS = path.join(ROOT, 'test-results');
mkdirSync(RESULTS, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(cmd, args, opts = {}) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...opts.env } });
  return { status: r.status ?? 1, seconds: ((Date.now() - started) / 1000).toFixed(1) };
}

function single(name, cmd, args, opts) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = run(cmd, args, opts);
  if (r.status === 0) totals.passed += 1;
  else {
    totals.failed += 1;
    failures.push(name);
  }
  console.log(`=== ${name}: ${r.status === 0 ? 'passed' : 'FAILED'} (${r.seconds} s)`);
}

function vitestProject(project) {
  const out = path.join(RESULTS, `vitest-${project}.json`);
  rmSync(out, { force: true });
  console.log(`\n=== vitest ${project}`);
  const r = run('npx', ['vitest', 'run', '--project', project, '--passWithNoTests', '--reporter=default', '--reporter=json', `--outputFile=${out}`]);
  if (!existsSync(out)) {
    totals.failed += 1;
    failures.push(`vitest ${project} (no report; exit ${r.status})`);
    return;
  }
  const report = JSON.parse(readFileSync(out, 'utf8'));
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  // A file that fails to load counts no tests: count it as a failure.
  const brokenFiles = (report.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0);
  totals.failed += brokenFiles.length;
  for (const f of brokenFiles) failures.push(`vitest ${project}: ${path.relative(ROOT, f.name)} failed to load: ${(f.message ?? '').split('\n')[0]}`);
  if (CI && skipped > 0) {
    totals.failed += skipped;
    failures.push(`vitest ${project}: ${skipped} skipped under CI=true (install the missing tool in .ci/run)`);
  } else totals.skipped += skipped;
  if (report.numFailedTests > 0) failures.push(`vitest ${project}: ${report.numFailedTests} failed`);
  if (r.status !== 0 && report.numFailedTests === 0 && brokenFiles.length === 0) {
    totals.failed += 1;
    failures.push(`vitest ${project} exited ${r.status}`);
  }
  console.log(`=== vitest ${project}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped (exit ${r.status})`);
}

const steps = {
  lint: () => single('lint', 'npx', ['eslint', '.', '--max-warnings=0']),
  types: () => {
    for (const p of ['app', 'main', 'renderer', 'test']) single(`typecheck ${p}`, 'npx', ['tsc', '-p', `${p}/tsconfig.json`]);
  },
  // The build runs before the suites: unit tests that start `serve` would otherwise each
  // rebuild a stale UI at once, and race.
  build: () => single('build (electron-vite: main, preload, renderer)', 'npx', ['electron-vite', 'build']),
  unit: () => vitestProject('unit'),
  interop: () => vitestProject('interop'),
  e2e: () => vitestProject('e2e'),
  kernel: () => vitestProject('kernel'),
  security: () => single('security (electronegativity)', 'node', ['test/security/electronegativity.mjs']),
};

const wanted = process.argv.slice(2);
for (const name of wanted.length ? wanted : Object.keys(steps)) {
  if (!steps[name]) {
    console.error(`unknown step '${name}'; steps: ${Object.keys(steps).join(' ')}`);
    process.exit(2);
  }
  steps[name]();
}

if (failures.length) {
  console.log('\nFailures:');
  for (const f of failures) console.log(`  - ${f}`);
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 ? 1 : 0);
