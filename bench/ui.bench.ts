// UI frame rate during a big move: runs the e2e frame-rate measurement (test/e2e/frameRate.test.ts:
// 32 PVs × 4096 extents, 65 536 mirror regions animating in Chromium) with BENCH=1, which
// writes bench/results/ui.md. Run: npm run bench ui
import { spawnSync } from 'node:child_process';

const r = spawnSync('npx', ['vitest', 'run', '--project', 'e2e', 'test/e2e/frameRate.test.ts'], { stdio: 'inherit', env: { ...process.env, BENCH: '1' } });
process.exit(r.status ?? 1);
