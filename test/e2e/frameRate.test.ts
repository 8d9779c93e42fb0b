// Measures the UI while a big move animates, in Chromium, and checks what a test can judge:
// the grid was repainted at frame rate while the move ran, and no frame did work that grows
// with the number of regions (the animator counts the cells each frame updates: at most the
// grid's cells plus the mirror's runs, and the cells are what fits the box), and the move's
// figures and the dm tree changed at most once per tick of the display clock (at least 250 ms
// apart), not at every engine report. Two moves, one run:
// - the baseline: a VG of 32 PVs × 4096 extents, the 4096-extent LV `big` dragged from pv01 onto
//   pv02 with 4 KiB regions (65,536 regions);
// - issue 20's: a 1 TiB LV on a sparse 1 TiB PV dragged onto another with 512 KiB regions
//   (2,097,152 regions).
// Each copy is rate-limited so it is still running while requestAnimationFrame is sampled for
// 5 s. Timing figures (open → maps drawn, Start → grid painted, median / p95 / worst frame,
// hover → tooltip, renderer heap) are recorded in test-results/ui-framerate.md, and with BENCH=1
// (`npm run bench ui`) in bench/results/ui.md and bench/results/regions.md; the goal
// (p95 ≤ 20 ms) is judged there, never asserted: these shared machines are noisy.
// Screenshots: test-results/e2e/framerate-*.png. Replay: npx vitest run --project e2e test/e2e/frameRate.test.ts
// (PROFILE=1 also writes the sampled seconds' CPU profile: test-results/ui-profile-<regions>.cpuprofile).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRegionsSection } from '../../bench/regionsReport';
import type { GridWork } from '../../renderer/animation/regionAnimator';
import { BIG, buildBigWorkspace, buildHugeWorkspace, HUGE } from './bigWorkspace';
import { CALM_INTERVAL_MS } from '../../renderer/store/displayClock';
import { heapMiB, hoverToTooltip, percentile, sampleFramesWatching, type AnimatorHandle } from './frameFigures';
import { ROOT, screenshot, stopAll, tempDir } from './helpers';
import { dragTo, openUi } from './uiHelpers';

afterAll(stopAll);

const SAMPLE_MS = 5000;
/** bench/results/ui.md keeps what follows this heading when the bench writes its table again. */
const KEPT_HEADING = '### Before / after';

interface Figures {
  label: string;
  regions: number;
  buildMs: number;
  openMs: number;
  firstGridMs: number;
  frames: number;
  framesPainted: number;
  median: number;
  p95: number;
  max: number;
  /** The animator's own JS time per frame while sampling (median / p95), ms. */
  costMedian: number;
  costP95: number;
  tipMedian: number;
  tipMax: number;
  heapMiB: number;
  work: GridWork;
  /** Long tasks (over 50 ms, PerformanceObserver) while sampling: how many, and their total ms. */
  longTasks: number;
  longTasksMs: number;
  /** Frames in which the figures' / the dm tree's DOM changed while sampling. */
  figuresChanged: number;
  dmTreeChanged: number;
  regionsText: string;
  status: string;
}

const results: Figures[] = [];

async function measureMove(label: string, regions: number, build: (dir: string) => Promise<void>, regionSizeSectors: number, rateKiB: number): Promise<{ figures: Figures; page: Page }> {
  const dir = tempDir('lvmscope-framerate-');
  const built = Date.now();
  await build(dir);
  const buildMs = Date.now() - built;
  const opened = Date.now();
  const { page } = await openUi(dir, { width: 1500, height: 1000 });
  const openMs = Date.now() - opened;
  await page.getByTestId('region-size').selectOption(String(regionSizeSectors));
  await page.getByTestId('rate-custom').check();
  await page.getByLabel('custom rate in KiB/s').fill(String(rateKiB));
  // The PV label: dragging it moves all of pv01's extents (the one LV, or the baseline's `big`).
  expect(await dragTo(page, '[data-testid="pv-label-pv01"]', '[data-testid="pv-map-pv02"]', 'pv02')).toMatch(/^yes/);
  // Start → the grid's first frame with every region of the mirror (measured in the page).
  await page.evaluate(() => ((window as unknown as { __startAt: number }).__startAt = performance.now()));
  await page.getByTestId('plan-start').click();
  const firstGridMs = await page.evaluate(
    (regions) =>
      new Promise<number>((resolve) => {
        const w = window as unknown as AnimatorHandle & { __startAt: number };
        const check = () => (w.lvmscopeAnimator.gridOf(0)?.total === regions ? resolve(performance.now() - w.__startAt) : requestAnimationFrame(check));
        requestAnimationFrame(check);
      }),
    regions,
  );
  await expect.poll(() => page.getByTestId('move-regions').textContent(), { timeout: 60_000 }).toMatch(new RegExp(`^\\d+ / ${regions}$`));
  const framesBefore = await page.evaluate(() => (window as unknown as AnimatorHandle).lvmscopeAnimator.frames);
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({ type: 'longtask' });
  });
  // PROFILE=1: a CPU profile of the sampled seconds (open it in Chrome's DevTools, Performance panel).
  const cdp = process.env.PROFILE === '1' ? await page.context().newCDPSession(page) : null;
  if (cdp) await cdp.send('Profiler.enable').then(() => cdp.send('Profiler.start'));
  const { deltas, changedFrames } = await sampleFramesWatching(page, SAMPLE_MS, ['[data-testid="move-figures"]', '[data-testid="dm-tree"]']);
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(path.join(ROOT, 'test-results', `ui-profile-${regions}.cpuprofile`), JSON.stringify(profile));
    await cdp.detach();
  }
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  const framesPainted = (await page.evaluate(() => (window as unknown as AnimatorHandle).lvmscopeAnimator.frames)) - framesBefore;
  const costs = (await page.evaluate((n) => (window as unknown as AnimatorHandle).lvmscopeAnimator.work.frameCostMs.slice(-n), framesPainted)).sort((a, b) => a - b);
  const tips = (await hoverToTooltip(page, 15)).sort((a, b) => a - b);
  await screenshot(page, `framerate-${regions}`);
  const regionsText = (await page.getByTestId('move-regions').textContent()) ?? '';
  const status = (await page.getByTestId('move-status').textContent()) ?? '';
  const work = await page.evaluate(() => (window as unknown as AnimatorHandle).lvmscopeAnimator.work);
  const heap = await heapMiB(page);
  const sorted = [...deltas].sort((a, b) => a - b);
  const figures: Figures = { label, regions, buildMs, openMs, firstGridMs, frames: deltas.length, framesPainted, median: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1], costMedian: percentile(costs, 50), costP95: percentile(costs, 95), tipMedian: percentile(tips, 50), tipMax: tips[tips.length - 1], heapMiB: heap, work, longTasks: longTasks.length, longTasksMs: longTasks.reduce((a, b) => a + b, 0), figuresChanged: changedFrames[0], dmTreeChanged: changedFrames[1], regionsText, status };
  results.push(figures);
  writeResults();
  expect(status).toBe('running'); // still animating when sampling ended
  return { figures, page };
}

/** What the frames prove: the grid was repainted at frame rate, and no frame's work grew with the regions. */
function expectBoundedFrames(f: Figures): void {
  expect(f.frames).toBeGreaterThan(50);
  expect(f.framesPainted).toBeGreaterThan(f.frames / 2); // the grid was repainted, not idle
  expect(f.work.maxRegions).toBe(f.regions);
  expect(f.work.framesOverBound).toBe(0);
  expect(f.work.maxTouched).toBeLessThanOrEqual(f.work.cellsAtMax + f.work.runsAtMax);
  // The cells are what fits the box (cells of at least 4 px in a box of at most 1500 × 1000).
  expect(f.work.cellsAtMax).toBeLessThanOrEqual((1500 / 4) * (1000 / 4));
  // The figures and the dm tree change at the display clock's ticks (at least 250 ms apart),
  // not at every engine report: whatever the machine's speed, at most one change per tick.
  const ticks = Math.ceil(SAMPLE_MS / CALM_INTERVAL_MS) + 1;
  expect(f.figuresChanged).toBeGreaterThan(0);
  expect(f.figuresChanged).toBeLessThanOrEqual(ticks);
  expect(f.dmTreeChanged).toBeLessThanOrEqual(ticks);
}

describe('the region grid while a big move animates, in Chromium', () => {
  it('repaints every frame with work bounded by its cells and runs during a 65,536-region move (the baseline)', async () => {
    expectBoundedFrames((await measureMove('65,536 regions (32 PVs × 4096 extents of 64 KiB, 4 KiB regions)', BIG.extentsPerPv * 16, buildBigWorkspace, 8, 8192)).figures);
  });

  it('repaints every frame with work bounded by its cells and runs, not by its 2,097,152 regions, during a 1 TiB move at 512 KiB regions, and zooms from the keyboard to one region per cell', async () => {
    const { figures: f, page } = await measureMove('2,097,152 regions (1 TiB LV on sparse images, 512 KiB regions)', HUGE.regions, buildHugeWorkspace, HUGE.regionSectors, 65_536);
    expectBoundedFrames(f);
    // A frame updates at most a few thousand cells, never anything like the mirror's two million regions.
    expect(f.work.maxTouched).toBeLessThan(HUGE.regions / 100);
    // The grid zooms from the keyboard down to one region per cell, and 0 shows all regions again.
    const shown = page.getByTestId('region-window-0');
    expect(await shown.textContent()).toMatch(/^all 2,097,152 regions, [\d,]+ per cell$/);
    await page.getByTestId('region-grid-0').focus();
    for (let i = 0; i < 8; i++) await page.keyboard.press('+');
    await expect.poll(() => shown.textContent()).toMatch(/^regions [\d,]+–[\d,]+ of 2,097,152, one per cell$/);
    await page.keyboard.press('0');
    await expect.poll(() => shown.textContent()).toMatch(/^all 2,097,152 regions/);
  });
});

function writeResults(): void {
  const rows = results.map(
    (r) =>
      `| ${r.label} | ${(r.openMs / 1000).toFixed(1)} s | ${r.firstGridMs.toFixed(0)} ms | ${r.frames} / ${r.framesPainted} | ${r.median.toFixed(1)} ms | ${r.p95.toFixed(1)} ms | ${r.max.toFixed(1)} ms | ${r.costMedian.toFixed(2)} / ${r.costP95.toFixed(2)} ms | ${r.tipMedian.toFixed(1)} / ${r.tipMax.toFixed(1)} ms | ${r.heapMiB.toFixed(1)} MiB | ${r.work.maxTouched} (${r.work.cellsAtMax} cells + ${r.work.runsAtMax} runs) | ${r.longTasks} / ${r.longTasksMs.toFixed(0)} ms | ${r.figuresChanged} / ${r.dmTreeChanged} | ${r.p95 <= 20 ? 'met' : 'NOT met'} |`,
  );
  const base = results.find((r) => r.regions !== HUGE.regions);
  const huge = results.find((r) => r.regions === HUGE.regions);
  const ratio = base && huge ? `\nRatios, 2,097,152 against 65,536 regions (same run): p95 frame ${(huge.p95 / base.p95).toFixed(2)}, median frame ${(huge.median / base.median).toFixed(2)}, hover → tooltip ${(huge.tipMedian / base.tipMedian).toFixed(2)}, renderer heap ${(huge.heapMiB / base.heapMiB).toFixed(2)}.\n` : '';
  const text = `### UI in Chromium: the region grid during a big move

Command: \`npm run bench ui\` (runs \`BENCH=1 npx vitest run --project e2e test/e2e/frameRate.test.ts\`) (browser mode, headless
Debian Chromium, --disable-gpu, 1500×1000 viewport; ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}).
Each move is dragged from pv01 onto pv02 and rate-limited so the grid still animates while requestAnimationFrame is sampled
for ${SAMPLE_MS / 1000} s. Open: the served page loaded until the PV maps are drawn (server start included). Start → grid: click on
Start until the first frame painted with every region of the mirror. Grid's own time: the animator's JS per frame
(the rest of a frame is the browser's, and this machine's load). Hover → tooltip: pointer move over a cell until the
frame after its tooltip appeared (15 cells; median / worst). Heap: the renderer's JS heap after a GC (CDP). Work: the most
cell updates in one frame, and the cells and runs of that frame (tests assert it never exceeds cells + runs). Long tasks: tasks
over 50 ms in the page while sampling (PerformanceObserver 'longtask'). Figures / dm tree:
the frames in which the move's figures or the dm tree changed in the DOM while sampling (the display clock allows one per ${CALM_INTERVAL_MS} ms).

| move | open | Start → grid | frames sampled / grid repaints | median frame | p95 frame | worst frame | grid's own time per frame (median / p95) | hover → tooltip | renderer heap | most cell updates in a frame | long tasks while sampling (count / total) | frames changing figures / dm tree | goal p95 ≤ 20 ms |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
${rows.join('\n')}
${ratio}
Measured ${new Date().toISOString().slice(0, 10)}.
`;
  writeFileSync(path.join(ROOT, 'test-results', 'ui-framerate.md'), text);
  if (process.env.BENCH === '1') {
    // A comparison written by hand below the measured table (a change measured against the code before it) is kept.
    const file = path.join(ROOT, 'bench', 'results', 'ui.md');
    const kept = existsSync(file) ? readFileSync(file, 'utf8').split(KEPT_HEADING)[1] : undefined;
    writeFileSync(file, `## UI frame rate during a big move\n\n${text}${kept === undefined ? '' : `\n${KEPT_HEADING}${kept}`}`);
    writeRegionsSection('ui', text);
  }
}
