// Proves every screen of the app meets WCAG 2.2 AA as axe-core checks it, in real Chromium
// against browser mode and the real engine, in both themes (chosen with the app's own theme
// button): idle, the plan dialog open, mid-move (step mode, the copy of step 4 running slowly,
// so the region grid is drawn and the page is stable) and presentation mode. axe-core runs
// with the wcag2a, wcag2aa, wcag21aa and wcag22aa rules; no violation may be serious or
// critical; and no visible text is under 12 px. A failure prints each violation's id, summary
// and the elements it found.
// Also a VG of 34 LVs: no two LVs that touch on a PV map are drawn alike (colour and
// pattern), the legend names all 34 with 34 different swatches, and the find box raises one
// LV's runs in every map and its bar while the others fade, scrolling its bar into the LV
// list's view (Escape clears it).
// With prefers-reduced-motion (emulated, and changed while the page runs) the region animator
// draws still pictures and CSS animations take no time.
// Screenshots: test-results/e2e/a11y-<theme>-<screen>.png, a11y-34-lvs-<theme>-<width>.png.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { SeededRandom } from '../../app/base/clock';
import { KiB, MiB } from '../../app/base/units';
import { lvcreate, lvextend } from '../../app/lvm/commands/lvCommands';
import { pvcreate } from '../../app/lvm/commands/pvCommands';
import { vgcreate } from '../../app/lvm/commands/vgCommands';
import { LvmWorkspace } from '../../app/lvm/workspace/workspace';
import { nodeClock as clock } from '../../main/host';
import { FolderWorkspaceStorage } from '../../main/node/fileStorage';
import { ROOT, screenshot, stopAll, tempDir } from './helpers';
import { openUi, stepStates, type UiSession, planByKeys } from './uiHelpers';

afterAll(stopAll);

const AXE_SOURCE = readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];

interface Finding {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string; summary: string }>;
}

/**
 * axe-core's violations on the page as it is now. The script is evaluated through the
 * DevTools protocol (the page's Content-Security-Policy forbids an injected <script>).
 */
async function axeViolations(page: Page): Promise<Finding[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[]; failureSummary?: string }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), summary: n.failureSummary ?? '' })) }));
  }, TAGS);
}

/** The violations that fail the test (serious or critical), as readable lines. */
function blocking(findings: readonly Finding[], screen: string): string[] {
  return findings
    .filter((f) => f.impact === 'serious' || f.impact === 'critical')
    .flatMap((f) => f.nodes.slice(0, 8).map((n) => `${screen}: ${f.id} (${f.impact}) ${f.help} — ${n.target} — ${n.summary.replace(/\s+/g, ' ')}`));
}

/**
 * Every visible text drawn smaller than 12 px: its computed font size, times the scale of the
 * presentation's scaled diagram when it is inside it.
 */
function smallTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!el || !(node.textContent ?? '').trim() || el.getClientRects().length === 0 || el.closest('.visually-hidden, option, datalist')) continue;
      const scaled = el.closest<HTMLElement>('.pres-scaled');
      const px = parseFloat(getComputedStyle(el).fontSize) * (scaled ? parseFloat(scaled.dataset.scale ?? '1') : 1);
      if (px < 11.95) out.push(`${px.toFixed(1)} px: ${(node.textContent ?? '').trim().slice(0, 40)}`);
    }
    return [...new Set(out)];
  });
}

/** Clicks the theme button until it shows `theme` (light → dark → system → light). */
async function chooseTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const button = page.locator('.theme-button');
  for (let i = 0; i < 3 && (await button.textContent()) !== `theme: ${theme}`; i += 1) await button.click();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
}

/** Presses Next when the move waits before `step`, and waits until it runs or is done. */
async function next(page: Page, step: number): Promise<void> {
  await expect.poll(async () => (await stepStates(page))[step - 1], { timeout: 20_000 }).toBe('waiting');
  await page.getByTestId('step-next').click();
  await expect.poll(async () => (await stepStates(page))[step - 1], { timeout: 30_000 }).toMatch(/^(running|done)$/);
}

describe.each(['light', 'dark'] as const)('axe-core on every screen, %s theme', (theme) => {
  it(`finds no serious or critical WCAG 2.2 AA violation and no text under 12 px: idle, plan dialog, mid-move, presentation (${theme})`, async () => {
    const ui: UiSession = await openUi(tempDir(`lvmscope-a11y-${theme}-`), { width: 1280, height: 720 });
    const { page } = ui;
    onTestFailed(() => console.error(`--- serve stderr ---\n${ui.server.stderr()}\n--- page errors ---\n${ui.browser.errors.join('\n')}`));
    const found: string[] = [];
    const check = async (screen: string) => {
      await screenshot(page, `a11y-${theme}-${screen}`);
      found.push(...blocking(await axeViolations(page), screen));
      found.push(...(await smallTexts(page)).map((t) => `${screen}: text under 12 px — ${t}`));
    };
    await chooseTheme(page, theme);
    await check('idle');

    // The plan dialog: select pv2 with the keyboard, Move to… pv4.
    await page.getByTestId('rate-custom').check();
    await page.getByLabel('custom rate in KiB/s').fill('16');
    await page.getByLabel('step mode').check();
    await planByKeys(page, 'pv2', 'pv4');
    await check('plan-dialog');

    // Mid-move: the copy of step 4 crawls at 16 KiB/s, the region grid drawn.
    await page.getByTestId('plan-start').click();
    for (let step = 1; step <= 4; step += 1) await next(page, step);
    await expect.poll(() => page.getByTestId('region-grid-0').count()).toBe(1);
    await check('mid-move');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await check('mid-move-1920');
    await page.setViewportSize({ width: 1280, height: 720 });

    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('F5');
    await page.getByTestId('presentation').waitFor();
    await check('presentation');
    await page.keyboard.press('Escape');
    await page.getByTestId('presentation').waitFor({ state: 'detached' });

    if (found.length > 0) console.error(found.join('\n'));
    expect(found).toEqual([]);
  });
});

const LV_COUNT = 34;

/** 4 PVs and 34 LVs of 3 pieces each, interleaved so every LV touches several others on the maps. */
async function buildManyLvWorkspace(dir: string): Promise<void> {
  const image = (i: number) => `pv${i + 1}.img`;
  const ws = await LvmWorkspace.open(new FolderWorkspaceStorage(dir), { holder: 'accessibility test', clock, random: new SeededRandom(16), hostname: os.hostname(), unixTime: () => Math.floor(Date.now() / 1000) });
  try {
    for (let i = 0; i < 4; i += 1) await pvcreate(ws, { image: image(i), sizeBytes: MiB + 1024 * 64 * KiB });
    await vgcreate(ws, { name: 'vg0', images: [0, 1, 2, 3].map(image), extentSizeBytes: 64 * KiB });
    for (let piece = 0; piece < 3; piece += 1)
      for (let l = 0; l < LV_COUNT; l += 1) {
        const name = `lv${String(l).padStart(2, '0')}`;
        const pvs = [image((l + piece) % 4)];
        if (piece === 0) await lvcreate(ws, 'vg0', { name, extents: 8 + (l % 5), pvs });
        else await lvextend(ws, 'vg0', name, { byExtents: 6 + ((l + piece) % 4), pvs });
      }
  } finally {
    await ws.close();
  }
}

/** Every pair of runs next to each other on a PV map, of two different LVs, drawn alike (colour and pattern). */
function alikeNeighbours(page: Page): Promise<string[]> {
  return page.locator('svg.pv-map').evaluateAll((maps) =>
    maps.flatMap((map) => {
      const runs = [...map.querySelectorAll('rect.run')].map((r) => ({ lv: r.getAttribute('data-lv') ?? '', look: `${r.getAttribute('fill')} ${r.nextElementSibling?.classList.contains('run-pattern') ? r.nextElementSibling.getAttribute('fill')?.replace(/^url\(#[^-]+-/, '') : 'solid'}` }));
      return runs.slice(1).flatMap((run, i) => (run.lv && runs[i].lv && run.lv !== runs[i].lv && run.look === runs[i].look ? [`${runs[i].lv} next to ${run.lv}: ${run.look}`] : []));
    }),
  );
}

describe('a VG of 34 LVs', () => {
  it('draws no two touching LVs alike, names every LV in the legend, and the find box raises one LV everywhere', async () => {
    const dir = tempDir('lvmscope-a11y-many-');
    await buildManyLvWorkspace(dir);
    const ui = await openUi(dir, { width: 1280, height: 720 });
    const { page } = ui;
    onTestFailed(() => console.error(`--- serve stderr ---\n${ui.server.stderr()}\n--- page errors ---\n${ui.browser.errors.join('\n')}`));
    await expect.poll(() => page.locator('[data-testid="lv-legend"] li[data-lv]').count()).toBe(LV_COUNT);
    expect(await alikeNeighbours(page)).toEqual([]);
    const swatches = await page.locator('[data-testid="lv-legend"] li[data-lv] .swatch').evaluateAll((els) => els.map((e) => (e as HTMLElement).style.background));
    expect(new Set(swatches).size).toBe(LV_COUNT);

    await page.getByTestId('lv-find').fill('lv07');
    await expect.poll(() => page.getByTestId('lv-find-result').textContent()).toMatch(/^lv07 on pv\d(, pv\d)*$/);
    const classes = await page.locator('rect.run[data-lv]:not([data-lv=""])').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-lv')}:${e.classList.contains('found') ? 'found' : e.classList.contains('faded') ? 'faded' : 'plain'}`));
    expect(classes.filter((c) => c.startsWith('lv07:')).every((c) => c.endsWith(':found'))).toBe(true);
    expect(classes.filter((c) => !c.startsWith('lv07:')).every((c) => c.endsWith(':faded'))).toBe(true);
    expect(await page.getByTestId('lv-row-lv07').getAttribute('class')).toContain('found');
    // lv07's bar was scrolled out of the LV list: finding it brings it into the list's view.
    const inView = () => page.getByTestId('lv-row-lv07').evaluate((row) => {
      const [r, l] = [row.getBoundingClientRect(), row.closest('.lv-rows')!.getBoundingClientRect()];
      return r.top >= l.top - 1 && r.bottom <= l.bottom + 1;
    });
    await expect.poll(inView).toBe(true);
    for (const theme of ['light', 'dark'] as const) {
      await chooseTheme(page, theme);
      await screenshot(page, `a11y-34-lvs-${theme}-1280`);
      await page.setViewportSize({ width: 1920, height: 1080 });
      await screenshot(page, `a11y-34-lvs-${theme}-1920`);
      await page.setViewportSize({ width: 1280, height: 720 });
    }
    // Escape empties the box: every run is drawn plain again.
    await page.getByTestId('lv-find').press('Escape');
    await expect.poll(() => page.locator('rect.run.faded, rect.run.found').count()).toBe(0);
    const found = blocking(await axeViolations(page), '34 LVs');
    if (found.length > 0) console.error(found.join('\n'));
    expect(found).toEqual([]);
  });
});

describe('prefers-reduced-motion', () => {
  it('stills the region grid animation and every CSS animation, and follows the setting when it changes', async () => {
    const ui = await openUi(tempDir('lvmscope-a11y-motion-'), { width: 1280, height: 720 });
    const { page } = ui;
    const animatorStill = () => page.evaluate(() => (window as unknown as { lvmscopeAnimator: { reducedMotion: boolean } }).lvmscopeAnimator.reducedMotion);
    // A badge that flashes on a device change: its animation lasts 1.6 s, or nothing with reduced motion.
    const flashSeconds = () =>
      page.evaluate(() => {
        const probe = document.createElement('span');
        probe.className = 'badge flash';
        document.body.append(probe);
        const duration = getComputedStyle(probe).animationDuration;
        probe.remove();
        return parseFloat(duration);
      });
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await expect.poll(animatorStill).toBe(false);
    expect(await flashSeconds()).toBeCloseTo(1.6);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await expect.poll(animatorStill).toBe(true);
    expect(await flashSeconds()).toBe(0);
  });
});
