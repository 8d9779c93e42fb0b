// Measures the UI's frame times while a big move animates (issue 9's frame-rate goal):
// a VG of 32 PVs × 4096 extents (built in seconds with the LVM layer, sparse images), the
// 4096-extent LV `big` on pv01 dragged onto the free pv02 with 4 KiB regions, so the mirror
// has 65 536 regions; the copy is rate-limited so it is still animating while Chromium's
// requestAnimationFrame is sampled for 5 s. Writes the median and p95 frame time to
// test-results/ui-framerate.md (and bench/results/ui.md with BENCH=1, as `npm run bench ui`
// does); the goal (p95 ≤ 20 ms) is recorded there, not asserted. Screenshot:
// test-results/e2e/framerate.png. Replay: npx vitest run --project e2e test/e2e/frameRate.test.ts

import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIG, buildBigWorkspace } from './bigWorkspace';
import { ROOT, screenshot, stopAll, tempDir } from './helpers';
import { dragTo, openUi } from './uiHelpers';

afterAll(stopAll);

const SAMPLE_MS = 5000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe('frame rate during a 65 536-region move', () => {
  it('keeps the p95 frame time within 20 ms while the region grid animates', async () => {
    const dir = tempDir('lvmscope-framerate-');
    const built = Date.now();
    await buildBigWorkspace(dir);
    const buildMs = Date.now() - built;
    const { page } = await openUi(dir, { width: 1500, height: 1000 });
    await screenshot(page, 'framerate-0-opened');
    await page.getByTestId('region-size').selectOption('8');
    await page.getByTestId('rate-custom').check();
    await page.getByLabel('custom rate in KiB/s').fill('8192');
    expect(await dragTo(page, '[data-testid="pv-map-pv01"]', '[data-testid="pv-map-pv02"]', 'pv02')).toMatch(/^yes/);
    await page.getByTestId('plan-start').click();
    await expect.poll(() => page.getByTestId('move-regions').textContent(), { timeout: 30_000 }).toMatch(/^\d+ \/ 65536$/);
    const framesBefore = await page.evaluate(() => (window as unknown as { lvmscopeAnimator: { frames: number } }).lvmscopeAnimator.frames);
    const deltas = await page.evaluate(
      (ms) =>
        new Promise<number[]>((resolve) => {
          const out: number[] = [];
          const start = performance.now();
          let last = start;
          const frame = (now: number) => {
            out.push(now - last);
            last = now;
            if (now - start < ms) requestAnimationFrame(frame);
            else resolve(out.slice(1));
          };
          requestAnimationFrame(frame);
        }),
      SAMPLE_MS,
    );
    const regions = (await page.getByTestId('move-regions').textContent()) ?? '';
    const framesPainted = (await page.evaluate(() => (window as unknown as { lvmscopeAnimator: { frames: number } }).lvmscopeAnimator.frames)) - framesBefore;
    await screenshot(page, 'framerate');
    const status = await page.getByTestId('move-status').textContent();
    const sorted = [...deltas].sort((a, b) => a - b);
    const median = percentile(sorted, 50);
    const p95 = percentile(sorted, 95);
    writeResults({ frames: deltas.length, framesPainted, median, p95, max: sorted[sorted.length - 1], regions, status: status ?? '', buildMs });
    expect(status).toBe('running'); // still animating when sampling ended
    expect(framesPainted).toBeGreaterThan(deltas.length / 2); // the grid was repainted, not idle
    // The 20 ms goal is recorded (bench/results/ui.md with BENCH=1, test-results always), not
    // asserted: frame times on these shared machines are noisy, and tests hold no absolute
    // timing thresholds. What must hold is that the animation really ran at frame rate.
    expect(deltas.length).toBeGreaterThan(50);
  });
});

function writeResults(r: { frames: number; framesPainted: number; median: number; p95: number; max: number; regions: string; status: string; buildMs: number }): void {
  const text = `# UI frame rate during a big move

Command: \`npm run bench ui\` (runs \`BENCH=1 npx vitest run --project e2e test/e2e/frameRate.test.ts\`) (browser mode, headless
Debian Chromium, --disable-gpu, 1500×1000 viewport; ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}).

Workspace: ${BIG.pvs} PVs × ${BIG.extentsPerPv} extents of ${BIG.extentSizeBytes / 1024} KiB (${BIG.pvs * BIG.extentsPerPv} extents, 17 LVs,
built in ${(r.buildMs / 1000).toFixed(1)} s with the LVM layer); the 4096-extent LV \`big\` dragged from pv01 onto pv02 with
4 KiB regions = 65 536 mirror regions, copy limited to 8 MiB/s so the grid animates throughout.
requestAnimationFrame sampled for ${SAMPLE_MS / 1000} s while the move ran (regions at the end: ${r.regions}, status ${r.status}).

| frames sampled | grid repaints | median frame | p95 frame | worst frame | goal |
|---:|---:|---:|---:|---:|---|
| ${r.frames} | ${r.framesPainted} | ${r.median.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.max.toFixed(1)} ms | p95 ≤ 20 ms: ${r.p95 <= 20 ? 'met' : 'NOT met'} |

Measured ${new Date().toISOString().slice(0, 10)}.
`;
  writeFileSync(path.join(ROOT, 'test-results', 'ui-framerate.md'), text);
  // `npm run bench ui` (BENCH=1) records the figures as the latest benchmark result.
  if (process.env.BENCH === '1') writeFileSync(path.join(ROOT, 'bench', 'results', 'ui.md'), text);
}
