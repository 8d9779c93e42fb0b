// Proves that the main window works on a projector during a move (issue 16 item 3): in real
// Chromium at 1280×720, 1500×1000 and 1920×1080, the seed move runs in step mode; before and
// after each step, the current step (its row and its card of narration) and the move diagram
// are inside the viewport together, the window itself never scrolls, the panels keep their
// place and size from step to step (nothing grows under the user), and no text is smaller than
// 12 px. Then lv0 goes back on the lvm2 stack, checked the same way at 1280×720 at each of its
// steps. Screenshots: test-results/e2e/projector-<width>-step-<n>.png, projector-lvm2-*.png.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, stopAll, tempDir } from './helpers';
import { openUi, stepStates, type UiSession, planByKeys } from './uiHelpers';

let ui: UiSession;

beforeAll(async () => {
  ui = await openUi(tempDir('lvmscope-projector-'), { width: 1280, height: 720 });
});
afterAll(stopAll);

type Box = { top: number; bottom: number; left: number; right: number; height: number; /** px of its height scrolled away or outside the viewport */ hidden: number };

/** Where the pieces a viewer follows are, and whether the window itself scrolls. */
function measure(page: Page) {
  return page.evaluate(() => {
    // What of an element is on screen: its box clipped by every scrolling ancestor and the viewport.
    const box = (selector: string): Box | null => {
      const el = document.querySelector(selector);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      let { top, bottom, left, right } = r;
      for (let a = el.parentElement; a; a = a.parentElement) {
        if (getComputedStyle(a).overflowY === 'visible' && getComputedStyle(a).overflowX === 'visible') continue;
        const c = a.getBoundingClientRect();
        top = Math.max(top, c.top);
        bottom = Math.min(bottom, c.bottom);
        left = Math.max(left, c.left);
        right = Math.min(right, c.right);
      }
      const shownHeight = Math.max(0, Math.min(bottom, innerHeight) - Math.max(top, 0));
      return { top: Math.round(r.top), bottom: Math.round(r.bottom), left: Math.round(r.left), right: Math.round(r.right), height: Math.round(r.height), hidden: Math.round(r.height - shownHeight) };
    };
    const scroller = document.scrollingElement!;
    return {
      viewport: { width: innerWidth, height: innerHeight },
      windowScrolls: scroller.scrollHeight > innerHeight + 1 || scroller.scrollWidth > innerWidth + 1 ? `${scroller.scrollWidth}×${scroller.scrollHeight}` : false,
      diagram: box('[data-testid="move-diagram"]'),
      diagramPanel: box('section.panel.diagram'),
      stepsPanel: box('section.panel.steps'),
      current: box('[data-testid="steps"] li[aria-current="step"]'),
      detail: box('[data-testid="step-detail"]'),
      controls: box('[data-testid="pause"]'),
    };
  });
}

/** Every piece of visible text smaller than 12 px: `font-size text`. */
function smallTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      const el = node.parentElement;
      if (!text || !el) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden' || el.closest('.visually-hidden')) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      const px = Number.parseFloat(style.fontSize);
      if (px < 11.95) found.push(`${px}px ${text.slice(0, 40)}`);
    }
    return [...new Set(found)];
  });
}

/**
 * The measurements once the page has settled at `width`: the diagram follows its box's width
 * through a ResizeObserver, so a resize takes a frame or two to draw.
 */
async function settled(page: Page, width: number) {
  let last = '';
  let m = await measure(page);
  await expect.poll(async () => {
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    m = await measure(page);
    const same = m.viewport.width === width && JSON.stringify(m) === last;
    last = JSON.stringify(m);
    return same;
  }).toBe(true);
  return m;
}

const inside = (b: Box | null, height: number) => b !== null && b.top >= 0 && b.bottom <= height && b.height > 0 && b.hidden === 0;

async function pressNext(page: Page, step: number): Promise<void> {
  await expect.poll(async () => (await stepStates(page))[step - 1], { timeout: 30_000 }).toBe('waiting');
  await page.getByTestId('step-next').click();
  await expect.poll(async () => (await stepStates(page))[step - 1], { timeout: 60_000 }).toBe('done');
}

describe('the main window on a projector during the seed move', () => {
  it('shows the current step and the diagram together without scrolling, keeps every panel in place and has no text under 12 px, at 1280×720, 1500×1000 and 1920×1080', async () => {
    const page = ui.page;
    await page.getByLabel('step mode').check();
    await planByKeys(page, 'pv2', 'pv4');
    await page.getByTestId('plan-start').click();
    const sizes = [{ width: 1280, height: 720 }, { width: 1500, height: 1000 }, { width: 1920, height: 1080 }];
    const firstPlace = new Map<number, Awaited<ReturnType<typeof measure>>>();
    for (let step = 1; step <= 8; step++) {
      await expect.poll(async () => (await stepStates(page))[step - 1], { timeout: 30_000 }).toBe('waiting');
      for (const size of sizes) {
        await page.setViewportSize(size);
        const m = await settled(page, size.width);
        const where = `${size.width}×${size.height} before step ${step}`;
        expect(m.windowScrolls, `${where}: the window scrolls`).toBe(false);
        expect(inside(m.current, size.height), `${where}: current step row ${JSON.stringify(m.current)}`).toBe(true);
        expect(inside(m.detail, size.height), `${where}: step card ${JSON.stringify(m.detail)}`).toBe(true);
        expect(inside(m.diagram, size.height), `${where}: diagram ${JSON.stringify(m.diagram)}`).toBe(true);
        expect(inside(m.controls, size.height), `${where}: Pause ${JSON.stringify(m.controls)}`).toBe(true);
        // Nothing grows under the user: the panels keep the place and size they had at step 1.
        const first = firstPlace.get(size.width) ?? m;
        firstPlace.set(size.width, first);
        expect({ diagramPanel: m.diagramPanel, stepsPanel: m.stepsPanel, detail: m.detail, controls: m.controls }, where).toEqual({ diagramPanel: first.diagramPanel, stepsPanel: first.stepsPanel, detail: first.detail, controls: first.controls });
        if (step === 1 || step === 3 || step === 4 || step === 8) await screenshot(page, `projector-${size.width}-step-${step}`);
      }
      expect(await smallTexts(page)).toEqual([]);
      await page.setViewportSize(sizes[0]!);
      await pressNext(page, step);
    }
    await expect.poll(() => page.getByTestId('move-status').textContent(), { timeout: 30_000 }).toBe('done');
    await screenshot(page, 'projector-1280-done');
  });

  it('shows each step of the lvm2 stack and its pvmove0 diagram together at 1280×720, moving lv0 back onto pv2', async () => {
    const page = ui.page;
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByTestId('stack-lvm2').check();
    await planByKeys(page, 'pv4', 'pv2');
    await page.getByTestId('plan-start').click();
    await expect.poll(() => page.getByTestId('move-status').textContent(), { timeout: 30_000 }).toBe('waiting-step');
    const waitingIndex = async () => (await stepStates(page)).indexOf('waiting');
    let first: Awaited<ReturnType<typeof measure>> | null = null;
    for (let shots = 0; (await page.getByTestId('move-status').textContent()) !== 'done'; shots++) {
      await expect.poll(async () => (await waitingIndex()) >= 0 || (await page.getByTestId('move-status').textContent()) === 'done', { timeout: 60_000 }).toBe(true);
      const at = await waitingIndex();
      if (at < 0) break;
      const m = await settled(page, 1280);
      const where = `lvm2 stack at 1280×720 before step ${at + 1}`;
      expect(m.windowScrolls, `${where}: the window scrolls`).toBe(false);
      await screenshot(page, `projector-lvm2-1280-step-${at + 1}`);
      for (const [name, b] of [['current step row', m.current], ['step card', m.detail], ['diagram', m.diagram], ['Pause', m.controls]] as const) {
        expect(inside(b, 720), `${where}: ${name} ${JSON.stringify(b)}`).toBe(true);
      }
      first ??= m;
      expect({ stepsPanel: m.stepsPanel, detail: m.detail, controls: m.controls }, where).toEqual({ stepsPanel: first.stepsPanel, detail: first.detail, controls: first.controls });
      await screenshot(page, `projector-lvm2-1280-step-${at + 1}`);
      await page.getByTestId('step-next').click();
      await expect.poll(async () => (await stepStates(page))[at], { timeout: 60_000 }).toBe('done');
    }
    await expect.poll(() => page.getByTestId('move-status').textContent(), { timeout: 30_000 }).toBe('done');
  });
});
