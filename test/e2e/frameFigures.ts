// What the UI measurements share (test/e2e/frameRate.test.ts, test/e2e/bigVg.test.ts): frame
// intervals sampled in the page with requestAnimationFrame, the time from a pointer move over a
// region-grid cell to its tooltip on screen, the renderer's heap after a GC, and percentiles.
// Figures only: the tests record them for bench/, they never assert a timing.
import type { Page } from 'playwright-core';
import type { GridWork } from '../../renderer/animation/regionAnimator';

/** The animator the page exposes for tests (renderer/animation/regionAnimator.ts). */
export type AnimatorHandle = { lvmscopeAnimator: { frames: number; work: GridWork; gridOf(i: number): { total: number; cells: number } | undefined } };

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** requestAnimationFrame intervals over `ms`. */
export async function sampleFrames(page: Page, ms: number): Promise<number[]> {
  return (await sampleFramesWatching(page, ms, [])).deltas;
}

/**
 * requestAnimationFrame intervals over `ms`, and for each of `watched` (CSS selectors) the
 * number of frames in which its DOM changed (a MutationObserver read at every frame).
 */
export function sampleFramesWatching(page: Page, ms: number, watched: readonly string[]): Promise<{ deltas: number[]; changedFrames: number[] }> {
  return page.evaluate(
    ({ ms, watched }) =>
      new Promise<{ deltas: number[]; changedFrames: number[] }>((resolve) => {
        const changed = watched.map(() => false);
        const changedFrames = watched.map(() => 0);
        const observers = watched.map((selector, i) => {
          const observer = new MutationObserver(() => (changed[i] = true));
          const el = document.querySelector(selector);
          if (el) observer.observe(el, { subtree: true, childList: true, characterData: true, attributes: true });
          return observer;
        });
        const out: number[] = [];
        const start = performance.now();
        let last = start;
        const frame = (now: number) => {
          out.push(now - last);
          last = now;
          changed.forEach((c, i) => {
            if (c) changedFrames[i] += 1;
            changed[i] = false;
          });
          if (now - start < ms) requestAnimationFrame(frame);
          else {
            observers.forEach((o) => o.disconnect());
            resolve({ deltas: out.slice(1), changedFrames });
          }
        };
        requestAnimationFrame(frame);
      }),
    { ms, watched },
  );
}

/** Time from a pointer move over a grid cell to its tooltip on screen, for `n` cells (ms). */
export function hoverToTooltip(page: Page, n: number): Promise<number[]> {
  return page.evaluate(async (n) => {
    const canvas = document.querySelector('[data-testid="region-grid-0"]') as HTMLCanvasElement;
    const box = canvas.getBoundingClientRect();
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = box.left + 3 + ((i * 37) % Math.max(1, box.width - 6));
      const y = box.top + 3 + ((i * 11) % Math.max(1, box.height - 20));
      canvas.dispatchEvent(new MouseEvent('mouseleave', { bubbles: false }));
      await new Promise((r) => requestAnimationFrame(r));
      const t0 = performance.now();
      canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true }));
      // Until the tooltip is laid out and the next frame has been painted with it.
      for (;;) {
        await new Promise((r) => requestAnimationFrame(r));
        if (document.querySelector('[data-testid="region-tip-0"]')) break;
      }
      out.push(performance.now() - t0);
    }
    return out;
  }, n);
}

/** The renderer's JS heap after a garbage collection, MiB (CDP). */
export async function heapMiB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return heap.usedSize / 2 ** 20;
}
