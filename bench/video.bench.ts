// Video export times (issue 19): runs the e2e video export (test/e2e/videoExport.test.ts: the
// seed move live, then WebM and GIF exports of it at 1280×720 and 1920×1080) with BENCH=1,
// which writes bench/results/video.md. Run: npm run bench video
import { spawnSync } from 'node:child_process';

const r = spawnSync('npx', ['vitest', 'run', '--project', 'e2e', 'test/e2e/videoExport.test.ts'], { stdio: 'inherit', env: { ...process.env, BENCH: '1' } });
process.exit(r.status ?? 1);
