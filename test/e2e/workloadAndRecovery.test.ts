// Proves two live stories in the UI against the real engine in browser mode:
// 1. With the workload running during the seed move, writes to regions not yet copied are
//    intercepted: the workload's "intercepted" counter and the diagram's figure rise, and the
//    animation controller draws them on the region grid (its interceptsDrawn counter).
//    Abort then says what happened and the move ends aborted; Verify still finds 0 mismatches.
//    On the lvm2 stack (the kernel's rule) writes ahead of the copy go to the source leg only:
//    the diagram counts them and the animation draws them; Verify finds 0 mismatches after.
// 2. The interrupted real-LVM2 fixture (seed-pvmove-interrupted, gunzipped into a temporary
//    workspace) opens with the recovery banner; Resume completes the move to pv1 | pv4 | pv3.
// Screenshots: test-results/e2e/workload-*.png, recovery-*.png.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, screenshot, stopAll, tempDir } from './helpers';
import { dragTo, openUi } from './uiHelpers';

afterAll(stopAll);

function interruptedFixture(): string {
  const dir = tempDir('lvmscope-interrupted-');
  const fixtures = path.join(ROOT, 'test/fixtures/lvm2/seed-pvmove-interrupted');
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(fixtures).filter((n) => n.endsWith('.img.gz'))) {
    writeFileSync(path.join(dir, name.replace(/\.gz$/, '')), gunzipSync(readFileSync(path.join(fixtures, name))));
  }
  return dir;
}

describe('the UI during a move', () => {
  it('shows intercepted writes in the diagram and the counters while the workload runs', async () => {
    const { page, browser } = await openUi(tempDir('lvmscope-workload-ui-'));
    await page.getByTestId('rate-custom').check();
    await page.getByLabel('custom rate in KiB/s').fill('96');
    // This story is shot in the dark theme (the seed test shoots the light one).
    await page.getByRole('button', { name: /theme: system/ }).click();
    await page.getByRole('button', { name: /theme: light/ }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.getByTestId('workload-toggle').click();
    await expect.poll(() => page.getByTestId('count-writes').textContent().then(Number), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await dragTo(page, '[data-testid="lv-seg-lv0-pv2"]', '[data-testid="pv-map-pv4"]', 'pv4')).toMatch(/^yes/);
    await page.getByTestId('plan-start').click();
    await expect.poll(() => page.getByTestId('count-intercepted').textContent().then(Number), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('diagram-intercepted').textContent(), { timeout: 10_000 }).toMatch(/^[1-9]\d* /);
    await expect.poll(() => page.evaluate(() => (window as unknown as { lvmscopeAnimator: { interceptsDrawn: number } }).lvmscopeAnimator.interceptsDrawn), { timeout: 10_000 }).toBeGreaterThan(0);
    await screenshot(page, 'workload-1-intercepts');
    expect(await page.getByTestId('abort').getAttribute('title')).toMatch(/checkpointed stay on the destination/);
    await page.getByTestId('abort').click();
    expect(await page.getByRole('alertdialog').textContent()).toMatch(/stay on the destination.*original mapping on the source/);
    await page.getByTestId('abort-confirm').click();
    await expect.poll(() => page.getByTestId('move-status').textContent(), { timeout: 30_000 }).toBe('aborted');
    await page.getByTestId('workload-toggle').click();
    await page.getByTestId('verify').click();
    await expect.poll(() => page.getByTestId('verify-result').textContent(), { timeout: 30_000 }).toMatch(/: 0 mismatches\.$/);
    await screenshot(page, 'workload-2-aborted-verified');
    expect(browser.errors).toEqual([]);
  });

  it('shows writes ahead of an lvm2 move\'s copy as source-only in the diagram while the workload runs', async () => {
    const { page, browser } = await openUi(tempDir('lvmscope-workload-lvm2-ui-'));
    await page.getByTestId('stack-lvm2').check();
    await page.getByTestId('rate-custom').check();
    await page.getByLabel('custom rate in KiB/s').fill('96');
    await page.getByTestId('workload-toggle').click();
    await expect.poll(() => page.getByTestId('count-writes').textContent().then(Number), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await dragTo(page, '[data-testid="lv-seg-lv0-pv2"]', '[data-testid="pv-map-pv4"]', 'pv4')).toMatch(/^yes/);
    await page.getByTestId('plan-start').click();
    await expect.poll(() => page.getByTestId('diagram-source-only').textContent().then(Number).catch(() => 0), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.evaluate(() => (window as unknown as { lvmscopeAnimator: { sourceOnlyDrawn: number } }).lvmscopeAnimator.sourceOnlyDrawn), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('grid-legend').textContent()).toMatch(/source leg only/);
    await screenshot(page, 'workload-3-lvm2-source-only');
    await expect.poll(() => page.getByTestId('move-status').textContent(), { timeout: 120_000 }).toBe('done');
    await page.getByTestId('workload-toggle').click();
    await page.getByTestId('verify').click();
    await expect.poll(() => page.getByTestId('verify-result').textContent(), { timeout: 30_000 }).toMatch(/: 0 mismatches\.$/);
    expect(browser.errors).toEqual([]);
  });

  it('opens an interrupted real-LVM2 move with the recovery banner, and Resume completes it', async () => {
    const { page, browser } = await openUi(interruptedFixture());
    const banner = page.getByTestId('recovery-banner');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.textContent()).toMatch(/lv0/);
    expect(await page.getByTestId('lv-row-lv0').textContent()).toContain('LOCKED');
    await screenshot(page, 'recovery-1-banner');
    await page.getByTestId('rate-unlimited').check();
    await page.getByTestId('recovery-resume').click();
    await expect.poll(() => page.getByTestId('move-status').textContent(), { timeout: 60_000 }).toBe('done');
    await expect.poll(() => page.getByTestId('lv-row-lv0').textContent()).toContain('pv1 | pv4 | pv3');
    expect(await banner.count()).toBe(0);
    await screenshot(page, 'recovery-2-resumed');
    expect(browser.errors).toEqual([]);
  });
});
