// Proves the seed story works end to end in the UI, against the real engine in browser
// mode: `lvmscope serve` on an EMPTY folder creates the seed demo (zero set-up); a real
// mouse drag of lv0's pv2 segment onto pv4 shows "yes" and a ghost, the drop opens the
// plan (pvmove command), Start runs the move; the eight steps finish in order (sampled
// every 100 ms while it runs), the diagram's mirror fills (regions copied grows between
// samples), lv0 ends as pv1 | pv4 | pv3 and Verify reports 0 mismatches. Also: an invalid
// drop (lv0's pv1 segment onto pv1 itself, which the planner refuses) shows the engine's
// reason and starts nothing; the keyboard path (select, Move to…) moves it
// back in step mode, which waits at each step until Next. Screenshots: test-results/e2e/seed-*.png.

import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { screenshot, stopAll, tempDir } from './helpers';
import { dragTo, openUi, stepStates, type UiSession } from './uiHelpers';

let ui: UiSession;

beforeAll(async () => {
  ui = await openUi(tempDir('lvmscope-seed-ui-'));
});
afterAll(stopAll);

function showLogsOnFailure(): void {
  onTestFailed(() => {
    console.error(`--- lvmscope serve stderr ---\n${ui.server.stderr()}`);
    console.error(`--- page errors ---\n${ui.browser.errors.join('\n')}`);
  });
}

describe('the seed move in the UI', () => {
  it('creates the seed demo in an empty folder and draws lv0 as pv1 | pv2 | pv3', async () => {
    showLogsOnFailure();
    const { page } = ui;
    await expect.poll(() => page.getByTestId('lv-row-lv0').textContent()).toContain('pv1 | pv2 | pv3');
    expect(await page.getByTestId('vg-facts').textContent()).toMatch(/vg0 .* 4 PVs · 1 LVs/);
    await expect.poll(() => page.getByTestId('dm-vg0-lv0').count()).toBe(1);
    await screenshot(page, 'seed-1-opened');
  });

  it('refuses a drop that does not fit, says why and starts nothing', async () => {
    showLogsOnFailure();
    const { page } = ui;
    // Dropping lv0's pv1 segment onto pv1 itself is refused by the planner (source = destination).
    const verdict = await dragTo(page, '[data-testid="lv-seg-lv0-pv1"]', '[data-testid="pv-map-pv1"]', 'pv1', () => screenshot(page, 'seed-2-invalid-drop').then(() => undefined));
    expect(verdict).toMatch(/^no: .*pv1/);
    await expect.poll(() => page.getByTestId('move-error').textContent()).toMatch(/cannot go to pv1/);
    expect(await page.getByTestId('plan-dialog').count()).toBe(0);
    expect(await page.getByTestId('move-status').textContent()).toBe('idle');
  });

  it('drags lv0’s pv2 segment onto pv4, runs the eight steps in order and ends as pv1 | pv4 | pv3 with 0 mismatches', async () => {
    showLogsOnFailure();
    const { page } = ui;
    await page.getByTestId('rate-custom').check();
    await page.getByLabel('custom rate in KiB/s').fill('700');
    const verdict = await dragTo(page, '[data-testid="lv-seg-lv0-pv2"]', '[data-testid="pv-map-pv4"]', 'pv4', async () => {
      expect(await page.locator('[data-testid="pv-map-pv4"] .ghost').count()).toBe(1);
      await screenshot(page, 'seed-3-drag-yes');
    });
    expect(verdict).toMatch(/^yes: 4 extents/);
    await expect.poll(() => page.getByTestId('plan-command').textContent()).toMatch(/pvmove .*pv2.* .*pv4/);
    await screenshot(page, 'seed-4-plan');
    await page.getByTestId('plan-start').click();

    const firstDone: number[] = [];
    const copiedSamples: number[] = [];
    let midShot = false;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const states = await stepStates(page);
      states.forEach((s, i) => {
        if (s === 'done' && !firstDone.includes(i + 1)) firstDone.push(i + 1);
      });
      const regions = (await page.getByTestId('move-regions').textContent()) ?? '';
      const m = /^(\d+) \/ (\d+)$/.exec(regions);
      if (m) copiedSamples.push(Number(m[1]));
      if (!midShot && m && Number(m[1]) > Number(m[2]) / 3) {
        midShot = true;
        await screenshot(page, 'seed-5-mirror-filling');
      }
      if ((await page.getByTestId('move-status').textContent()) === 'done') break;
      await page.waitForTimeout(100);
    }
    expect(await page.getByTestId('move-status').textContent()).toBe('done');
    // Steps 5 to 8 take milliseconds once the copy ends, so the sample that sees the status turn
    // 'done' may have read the step cards just before them: read the cards until they settle.
    await expect.poll(async () => (await stepStates(page)).every((s) => s === 'done'), { timeout: 10_000 }).toBe(true);
    (await stepStates(page)).forEach((s, i) => {
      if (s === 'done' && !firstDone.includes(i + 1)) firstDone.push(i + 1);
    });
    expect(firstDone).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(midShot).toBe(true);
    const distinct = new Set(copiedSamples);
    expect(distinct.size).toBeGreaterThan(3); // the grid filled step by step, not at once
    await expect.poll(() => page.getByTestId('lv-row-lv0').textContent()).toContain('pv1 | pv4 | pv3');
    await expect.poll(() => page.getByTestId('dm-vg0-lv0-orig').count()).toBe(0);
    await screenshot(page, 'seed-6-done');

    await page.getByTestId('verify').click();
    await expect.poll(() => page.getByTestId('verify-result').textContent(), { timeout: 30_000 }).toMatch(/: 0 mismatches\.$/);
    await screenshot(page, 'seed-7-verified');
    // The event log follows the newest line (the verify summary) without the reader scrolling.
    await expect
      .poll(() => page.locator('section.panel.log').evaluate((el) => Math.round(el.scrollHeight - el.scrollTop - el.clientHeight)))
      .toBeLessThanOrEqual(24);
    expect(await page.getByTestId('log').locator('li').last().textContent()).toMatch(/0 mismatches/);
    expect(ui.browser.errors).toEqual([]);
  });

  it('moves it back with the keyboard path (Move to…) in step mode, waiting at each step until Next', async () => {
    showLogsOnFailure();
    const { page } = ui;
    await page.getByTestId('rate-unlimited').check();
    await page.getByLabel('step mode').check();
    await page.getByTestId('pv-label-pv4').focus();
    await page.keyboard.press('Enter'); // selects all of pv4
    expect(await page.getByTestId('selection').textContent()).toBe('all of pv4');
    await page.getByTestId('move-to').click();
    const pv2 = page.getByRole('menuitem', { name: /^pv2 yes/ });
    await pv2.waitFor({ timeout: 10_000 });
    expect(await page.getByRole('menuitem', { name: /^pv1 / }).textContent()).toMatch(/pv1 (yes|no: .+)/);
    await pv2.click();
    await page.getByTestId('plan-start').click();
    await expect.poll(() => page.getByTestId('move-status').textContent()).toBe('waiting-step');
    expect(await stepStates(page)).toEqual(Array(8).fill('pending').map((p, i) => (i === 0 ? expect.stringMatching(/pending|waiting/) : p)));
    await page.waitForTimeout(500);
    expect((await stepStates(page))[0]).not.toBe('done'); // it waits
    await page.getByTestId('step-next').click();
    await expect.poll(async () => (await stepStates(page))[0]).toBe('done');
    await expect.poll(() => page.getByTestId('move-status').textContent()).toBe('waiting-step');
    expect((await stepStates(page))[1]).not.toBe('done');
    await screenshot(page, 'seed-8-step-mode');
    // Leaving step mode lets the waiting move run on by itself.
    await page.getByLabel('step mode').uncheck();
    await expect.poll(() => page.getByTestId('move-status').textContent(), { timeout: 30_000 }).toBe('done');
    await expect.poll(() => page.getByTestId('lv-row-lv0').textContent()).toContain('pv1 | pv2 | pv3');
  });
});
