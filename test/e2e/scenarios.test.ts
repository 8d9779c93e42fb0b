// Proves every demo scenario runs to its end from the UI, in Chromium against browser mode
// and the real engine: the Scenarios panel's "Run scenario…" calls scenario.run on a fresh
// folder beside the workspace; the caption shows the scenario's narration; the end state
// shows the scenario's expected layout in the LV bars, the scenario says done (the engine's
// runner also checks the layout and verify itself), and the UI's Verify reports 0 mismatches.
// crash-and-resume shows the recovery banner after its reopen, before it resumes.
// A speed factor in the page URL (?scenarioSpeed=N) keeps the suite fast.
// Screenshots: test-results/e2e/scenario-*.png.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchBrowser, screenshot, startServe, stopAll, tempDir } from './helpers';
import type { BrowserSession, ServeProcess } from './helpers';

let server: ServeProcess;
let browser: BrowserSession;

beforeAll(async () => {
  // The scenarios' folders go beside the workspace, so both live in one temporary folder.
  const workspace = path.join(tempDir('lvmscope-scenarios-ui-'), 'ws');
  mkdirSync(workspace);
  server = await startServe(workspace, { args: ['--demo'] });
  browser = await launchBrowser({ viewport: { width: 1500, height: 1000 } });
});
afterAll(stopAll);

async function openWithSpeed(page: Page, speed: number): Promise<void> {
  await page.goto(`${server.url}&scenarioSpeed=${speed}`);
  await page.locator('[data-testid^="pv-row-"]').first().waitFor({ timeout: 30_000 });
  await expect.poll(() => page.getByTestId('scenario-select').locator('option').count()).toBe(6);
}

async function runFromPanel(page: Page, name: string): Promise<void> {
  await page.getByTestId('scenario-select').selectOption(name);
  await page.getByTestId('scenario-run').click();
  await expect.poll(() => page.getByTestId('scenario-caption').getAttribute('data-status'), { timeout: 10_000 }).toBe('running');
}

async function expectDoneWithLayout(page: Page, name: string, layouts: Record<string, string>): Promise<void> {
  await expect.poll(() => page.getByTestId('scenario-caption').getAttribute('data-status'), { timeout: 60_000 }).toMatch(/done|failed/);
  expect(await page.getByTestId('scenario-narration').textContent()).not.toMatch(/^Failed/);
  expect(await page.getByTestId('scenario-caption').getAttribute('data-status')).toBe('done');
  for (const [lv, layout] of Object.entries(layouts)) await expect.poll(() => page.getByTestId(`lv-row-${lv}`).textContent()).toContain(layout);
  await page.getByTestId('verify').click();
  await expect.poll(() => page.getByTestId('verify-result').textContent(), { timeout: 30_000 }).toMatch(/: 0 mismatches\.$/);
  await screenshot(page, `scenario-${name}-done`);
}

describe('the demo scenarios in the UI', () => {
  it.each([
    ['seed', 20, { lv0: 'pv1 | pv4 | pv3' }],
    ['writes-during-move', 20, { lv0: 'pv1 | pv4 | pv3' }],
    ['empty-a-pv', 20, { lv0: 'pv1 | pv3', lv1: 'pv3 | pv4 | pv3' }],
    ['abort-halfway', 4, { lv0: 'pv1 | pv4 | pv3 | pv2' }],
    // The same move on both stacks: lv0 on the outline, then lv1 on the lvm2 stack.
    ['two-stacks', 20, { lv0: 'pv1 | pv4 | pv3 | pv4', lv1: 'pv1 | pv4 | pv3 | pv4' }],
  ] as const)('%s runs to its end with its expected layout and 0 mismatches', async (name, speed, layouts) => {
    const { page } = browser;
    onTestFailed(() => console.error(`--- serve stderr ---\n${server.stderr()}\n--- page errors ---\n${browser.errors.join('\n')}`));
    await openWithSpeed(page, speed);
    await runFromPanel(page, name);
    expect((await page.getByTestId('scenario-narration').textContent())?.length).toBeGreaterThan(10);
    await screenshot(page, `scenario-${name}-running`);
    await expectDoneWithLayout(page, name, layouts);
  });

  it('crash-and-resume shows the recovery banner after reopening, then resumes to pv1 | pv4 | pv3 with 0 mismatches', async () => {
    const { page } = browser;
    onTestFailed(() => console.error(`--- serve stderr ---\n${server.stderr()}\n--- page errors ---\n${browser.errors.join('\n')}`));
    await openWithSpeed(page, 4);
    await runFromPanel(page, 'crash-and-resume');
    const banner = page.getByTestId('recovery-banner');
    await banner.waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('scenario-narration').textContent(), { timeout: 10_000 }).toMatch(/recovery banner/);
    expect(await banner.textContent()).toMatch(/lv0/);
    await screenshot(page, 'scenario-crash-and-resume-banner');
    await expectDoneWithLayout(page, 'crash-and-resume', { lv0: 'pv1 | pv4 | pv3' });
    expect(await banner.count()).toBe(0);
    expect(browser.errors).toEqual([]);
  });
});
