// The UI in Chromium during a big move: runs the e2e measurement (test/e2e/frameRate.test.ts: a
// 65,536-region move as the baseline and issue 20's 2,097,152-region move, 1 TiB at 512 KiB
// regions on sparse images) with BENCH=1, which writes bench/results/ui.md and the UI section of
// bench/results/regions.md. Needs `node main/cli/bundle.mjs` and `npx electron-vite build` first.
// Run: npm run bench ui
import { spawnSync } from 'node:child_process';

const r = spawnSync('npx', ['vitest', 'run', '--project', 'e2e', 'test/e2e/frameRate.test.ts'], { stdio: 'inherit', env: { ...process.env, BENCH: '1' } });
process.exit(r.status ?? 1);
