#!/usr/bin/env node
// `npm run bench [name…]`: runs every bench/*.bench.ts (or the named ones) with tsx. Each
// bench measures lvmscope against a baseline in the same run (these machines are noisy, so
// only ratios are meaningful), prints its table, and writes it to bench/results/<name>.md.
// This script then rebuilds bench/RESULTS.md from all of bench/results/*.md.

import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const DIR = path.dirname(new URL(import.meta.url).pathname);
// `--collect` only rebuilds RESULTS.md from bench/results/*.md (after running one bench by hand).
const collectOnly = process.argv.includes('--collect');
const wanted = process.argv.slice(2).filter((a) => a !== '--collect');
const benches = readdirSync(DIR)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')));

let failed = 0;
for (const file of collectOnly ? [] : benches) {
  console.log(`\n=== bench ${file}`);
  const r = spawnSync('npx', ['tsx', path.join(DIR, file)], { stdio: 'inherit' });
  if (r.status !== 0) failed += 1;
}

const parts = readdirSync(path.join(DIR, 'results'))
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => readFileSync(path.join(DIR, 'results', f), 'utf8').trim());
writeFileSync(
  path.join(DIR, 'RESULTS.md'),
  `# Benchmark results\n\nMeasured on the development machine (2 cores, Debian 12, Node 20). Every figure is a ratio\nagainst a baseline measured in the same run; absolute numbers are given for context only.\nEach section names the command that produced it. Regenerate all with \`npm run bench\`.\n\n${parts.join('\n\n')}\n`,
);
process.exit(failed ? 1 : 0);
