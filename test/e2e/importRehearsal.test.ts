// Proves issue 18 item 5 in Chromium against browser mode and the real engine: Import a volume
// group… takes a vgcfgbackup file (LVM2's own, of the seed VG on loop devices), proposes a new
// folder beside the workspace named after the VG, writes the rehearsal there and opens it with
// its badge and its PVs drawn under their device names; a refusal (the folder is no longer
// empty) stays in the dialog as the engine's sentence; the plan dialog and the export bar
// download <vg>-pvmove.sh with the real devices in its pvmove. The dialog opens from the Open
// workspace dialog of the header (one more header button would wrap the header at 1280 px). Screenshots at 1280×720
// (test-results/e2e/import-*.png).

import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { ROOT, screenshot, stopAll, tempDir } from './helpers';
import { openUi, stepStates, type UiSession } from './uiHelpers';

afterAll(stopAll);

/** Header → Open workspace… → Import a volume group… (File → Import in Electron sends the same command). */
async function openImportDialog(page: Page, shot?: string): Promise<void> {
  await page.getByRole('button', { name: 'Open workspace…' }).click();
  if (shot) await screenshot(page, shot);
  await page.getByTestId('import-open').click();
  await expect.poll(() => page.getByTestId('import-dialog').isVisible()).toBe(true);
}

const AXE_SOURCE = readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical WCAG 2.2 AA findings on the page as it is now, one line each (as accessibility.test.ts runs it). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type Result = { violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> };
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<Result> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.map(String).join(' ')}`));
  });
}

const BACKUP = path.join(ROOT, 'test', 'fixtures', 'lvm2', 'seed', 'vgcfgbackup.txt');

describe('importing a volume group and exporting its plan as a script (1280×720)', () => {
  let ui: UiSession;
  const root = tempDir('lvmscope-import-');
  const backup = path.join(root, 'vg0.vg');
  const rehearsal = path.join(root, 'vg0-rehearsal');

  it('imports a vgcfgbackup through the dialog into <parent>/vg0-rehearsal, then shows the badge (the header still one row) and the PVs under their device names, with no serious WCAG finding', async () => {
    copyFileSync(BACKUP, backup);
    const workspace = path.join(root, 'demo');
    mkdirSync(workspace);
    ui = await openUi(workspace, { width: 1280, height: 720 });
    const { page } = ui;
    onTestFailed(() => console.error(`--- serve stderr ---\n${ui.server.stderr()}\n--- page errors ---\n${ui.browser.errors.join('\n')}`));
    expect(await page.getByTestId('rehearsal-badge').count()).toBe(0);
    const headerHeight = () => page.locator('header.app-header').evaluate((el) => el.getBoundingClientRect().height);
    const before = await headerHeight();
    await openImportDialog(page, 'import-open-workspace-dialog');
    await page.getByTestId('import-backup').setInputFiles(backup);
    await expect.poll(() => page.getByTestId('import-path').inputValue()).toBe(rehearsal);
    await expect.poll(() => page.getByTestId('import-picked').textContent()).toBe('vg0.vg: volume group vg0');
    await screenshot(page, 'import-dialog');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByTestId('import-submit').click();
    await expect.poll(() => page.getByTestId('rehearsal-badge').textContent(), { timeout: 30_000 }).toBe('rehearsal of vg0 from vm 2026-11-21');
    await expect.poll(() => page.getByTestId('import-dialog').count()).toBe(0);
    await expect.poll(() => page.locator('[data-testid^="pv-row-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')))).toEqual(['pv-row-loop0', 'pv-row-loop1', 'pv-row-loop2', 'pv-row-loop3']);
    await screenshot(page, 'import-badge');
    // The badge takes the engine's name's place: the header keeps its one row at 1280 px.
    expect(await headerHeight()).toBeLessThanOrEqual(before);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('shows the refusal of a folder that now holds images as the engine’s sentence, in the dialog, with no serious WCAG finding', async () => {
    const { page } = ui;
    await openImportDialog(page);
    await page.getByTestId('import-backup').setInputFiles(backup);
    await page.getByTestId('import-path').fill(rehearsal);
    await page.getByTestId('import-submit').click();
    await expect.poll(() => page.getByTestId('import-error').textContent()).toBe(`${rehearsal} is not empty (it holds loop0.img, loop1.img, loop2.img…); import into a new or empty folder, so no image of yours is overwritten.`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('import-dialog').count()).toBe(0);
  });

  it('exports the plan of loop1 → loop3 from the plan dialog as vg0-pvmove.sh with the real devices and the custom rate', async () => {
    const { page } = ui;
    await page.getByTestId('rate-custom').check();
    await page.getByLabel('custom rate in KiB/s').fill('65536');
    await page.getByTestId('pv-label-loop1').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('move-to').click();
    await page.getByRole('menuitem', { name: /^loop3 yes/ }).click();
    await expect.poll(() => page.getByTestId('plan-dialog').isVisible()).toBe(true);
    await screenshot(page, 'import-plan-dialog');
    const download = page.waitForEvent('download');
    await page.getByTestId('plan-export-script').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('vg0-pvmove.sh');
    const script = readFileSync(await file.path(), 'utf8');
    expect(script).toMatch(/^pvmove .*\/dev\/loop1:0-3 \/dev\/loop3:0-3/m);
    expect(script).toMatch(/^vgcfgbackup /m);
    expect(script).toContain('rehearsal of vg0 from vm 2026-11-21');
    expect(script).toContain('the copy rate set in lvmscope');
  });

  it('exports the move it rehearsed from the export bar once it has run', async () => {
    const { page } = ui;
    await page.getByTestId('plan-start').click();
    await expect.poll(() => stepStates(page), { timeout: 60_000 }).toEqual(Array(8).fill('done'));
    const download = page.waitForEvent('download');
    await page.getByTestId('export-script').click();
    const script = readFileSync(await (await download).path(), 'utf8');
    expect(script).toMatch(/^pvmove .*\/dev\/loop1:0-3 \/dev\/loop3:0-3/m);
  });
});
