// Proves every screen of the app meets WCAG 2.2 AA as axe-core checks it, in real Chromium
// against browser mode and the real engine, in both themes (chosen with the app's own theme
// button): idle, the plan dialog open, mid-move (step mode, the copy of step 4 running slowly,
// so the region grid is drawn and the page is stable) and presentation mode. axe-core runs
// with the wcag2a, wcag2aa, wcag21aa and wcag22aa rules; no violation may be serious or
// critical. A failure prints each violation's id, summary and the elements it found.
// Screenshots: test-results/e2e/a11y-<theme>-<screen>.png.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { ROOT, screenshot, stopAll, tempDir } from './helpers';
import { openUi, stepStates, type UiSession } from './uiHelpers';

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
  it(`finds no serious or critical WCAG 2.2 AA violation: idle, plan dialog, mid-move, presentation (${theme})`, async () => {
    const ui: UiSession = await openUi(tempDir(`lvmscope-a11y-${theme}-`), { width: 1280, height: 720 });
    const { page } = ui;
    onTestFailed(() => console.error(`--- serve stderr ---\n${ui.server.stderr()}\n--- page errors ---\n${ui.browser.errors.join('\n')}`));
    const found: string[] = [];
    const check = async (screen: string) => {
      await screenshot(page, `a11y-${theme}-${screen}`);
      found.push(...blocking(await axeViolations(page), screen));
    };
    await chooseTheme(page, theme);
    await check('idle');

    // The plan dialog: select pv2 with the keyboard, Move to… pv4.
    await page.getByTestId('rate-custom').check();
    await page.getByLabel('custom rate in KiB/s').fill('16');
    await page.getByLabel('step mode').check();
    await page.getByTestId('pv-label-pv2').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('move-to').click();
    await page.getByRole('menuitem', { name: /^pv4 yes/ }).click();
    await page.getByTestId('plan-start').waitFor();
    await check('plan-dialog');

    // Mid-move: the copy of step 4 crawls at 16 KiB/s, the region grid drawn.
    await page.getByTestId('plan-start').click();
    for (let step = 1; step <= 4; step += 1) await next(page, step);
    await expect.poll(() => page.getByTestId('region-grid-0').count()).toBe(1);
    await check('mid-move');

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
