// Proves that windows only attach to the engine's live move (issue 16 item 1, DESIGN §2.4):
// in browser mode the seed move runs slowly in one page; a second page opens on the same URL
// (what a presenter mirroring the app onto a projector does), the first page reloads (Ctrl+R)
// and a third page connects and disconnects three times. Before the fix each load closed and
// reopened the workspace: "ABORTING: Resume and copy … the mirror was removed", and the first
// page froze at "running" while Pause said "No move is running". Now every page shows the same
// move running (steps, the dm stack with the temporary device, the move's rate), Pause from the
// second page pauses it in the first, where both show the same progress; opening another
// folder from the second page is refused with a sentence in the dialog; Resume from the first
// runs it on to 'done'; Verify finds 0 mismatches; both pages end showing the same state; and
// neither event log has an ABORTING or Closed line.
// Screenshots: test-results/e2e/attach-*.png.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { screenshot, stopAll, tempDir } from './helpers';
import { openUi, stepStates, type UiSession } from './uiHelpers';

let ui: UiSession;

beforeAll(async () => {
  ui = await openUi(tempDir('lvmscope-attach-ui-'));
});
afterAll(stopAll);

function showLogsOnFailure(): void {
  onTestFailed(() => {
    console.error(`--- lvmscope serve stderr ---\n${ui.server.stderr()}`);
    console.error(`--- page errors ---\n${ui.browser.errors.join('\n')}`);
  });
}

/** Opens one more page of the same browser on the server's URL and waits for the PV maps. */
async function openSecondPage(): Promise<Page> {
  const page = await ui.browser.context.newPage();
  page.on('pageerror', (e) => ui.browser.errors.push(`second page: ${String(e)}`));
  await page.goto(ui.server.url);
  await page.locator('[data-testid^="pv-row-"]').first().waitFor({ timeout: 30_000 });
  return page;
}

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent()) ?? '';

/** What a page shows of the move: its status, the step states and the dm devices. */
async function moveOnScreen(page: Page) {
  const devices = await page.locator('[data-testid^="dm-vg0-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  return { status: await text(page, 'move-status'), steps: await stepStates(page), devices: [...new Set(devices)].sort() };
}

/** The event log lines a page shows that would mean a window closed or broke the move. */
async function brokenMoveLines(page: Page): Promise<string[]> {
  const lines = await page.getByTestId('log').locator('li').allTextContents();
  return lines.filter((l) => /ABORTING|pvmove failed|paused because its workspace is closing|Closed \//.test(l));
}

describe('a move watched from two pages', () => {
  it('keeps running while a second page opens, the first reloads and a third comes and goes; Pause from either steers it; it ends done with 0 mismatches', async () => {
    showLogsOnFailure();
    const first = ui.page;
    // A slow move (4 MiB at 96 KiB/s, about 40 s) started with the keyboard path.
    await first.getByTestId('rate-custom').check();
    await first.getByLabel('custom rate in KiB/s').fill('96');
    await first.getByTestId('pv-label-pv2').focus();
    await first.keyboard.press('Enter');
    await first.getByTestId('move-to').click();
    await first.getByRole('menuitem', { name: /^pv4 yes/ }).click();
    await first.getByTestId('plan-start').click();
    await expect.poll(() => stepStates(first), { timeout: 30_000 }).toEqual(['done', 'done', 'done', 'running', 'pending', 'pending', 'pending', 'pending']);

    const second = await openSecondPage();
    // The new page shows the move as it is: running, steps 1-3 done, the mirror and its temporary device.
    const running = { status: 'running', steps: ['done', 'done', 'done', 'running', 'pending', 'pending', 'pending', 'pending'], devices: ['dm-vg0-lv0', 'dm-vg0-lv0-orig'] };
    await expect.poll(() => moveOnScreen(second)).toEqual(running);
    await screenshot(second, 'attach-1-second-page');

    await first.reload();
    await first.locator('[data-testid^="pv-row-"]').first().waitFor({ timeout: 30_000 });
    await expect.poll(() => moveOnScreen(first)).toEqual(running);
    await expect.poll(() => moveOnScreen(second)).toEqual(running);
    // The reloaded page shows the rate the move runs at, not its own default.
    expect(await first.getByTestId('rate-custom').isChecked()).toBe(true);
    expect(await first.getByLabel('custom rate in KiB/s').inputValue()).toBe('96');
    await screenshot(first, 'attach-2-first-reloaded');

    // A third page connects and disconnects, three times: each one sees the move running, and
    // its going away changes nothing for the others.
    for (let round = 0; round < 3; round++) {
      const third = await openSecondPage();
      await expect.poll(() => moveOnScreen(third)).toEqual(running);
      await third.close();
    }
    await expect.poll(() => moveOnScreen(first)).toEqual(running);

    // Pause from the second page: the first page says paused, and both show the same progress.
    await second.getByTestId('pause').click();
    await expect.poll(() => text(first, 'move-status')).toBe('paused');
    await expect.poll(() => text(first, 'pause')).toBe('Resume');
    await expect.poll(async () => [await text(first, 'move-percent'), await text(first, 'move-regions')]).toEqual([await text(second, 'move-percent'), await text(second, 'move-regions')]);
    expect(await text(first, 'move-percent')).toMatch(/^\d+\.\d%$/);
    expect(Number.parseFloat(await text(first, 'move-percent'))).toBeLessThan(100);
    await screenshot(first, 'attach-3-paused-from-second');

    // Opening another folder from the second page is refused with a sentence; the move stays.
    const elsewhere = tempDir('lvmscope-attach-other-');
    await second.getByRole('button', { name: 'Open workspace…' }).click();
    await second.locator('.path-input').fill(elsewhere);
    await second.getByRole('button', { name: 'Open', exact: true }).click();
    await expect.poll(() => second.locator('.dialog [role="alert"]').textContent()).toMatch(new RegExp(`^A move is in progress in .*\\(paused, \\d+% copied\\); let it finish, or abort it, before opening ${elsewhere}\\.$`));
    await screenshot(second, 'attach-3b-open-refused');
    await second.getByRole('button', { name: 'Cancel' }).click();
    expect(await text(second, 'move-status')).toBe('paused');
    expect(await second.getByTestId('vg-facts').count()).toBe(1);

    // Resume from the first page at full speed (the rate set from the second page): done in both.
    await first.getByTestId('pause').click();
    await expect.poll(() => text(second, 'move-status')).toBe('running');
    await second.getByTestId('rate-unlimited').check();
    await expect.poll(() => text(first, 'move-status'), { timeout: 60_000 }).toBe('done');
    await expect.poll(() => text(second, 'move-status')).toBe('done');
    // Both pages end showing the same state: the layout, the eight steps, the figures, the dm stack.
    const ended = { status: 'done', steps: Array(8).fill('done'), devices: ['dm-vg0-lv0'] };
    for (const page of [first, second]) {
      await expect.poll(() => page.getByTestId('lv-row-lv0').textContent()).toContain('pv1 | pv4 | pv3');
      await expect.poll(() => moveOnScreen(page)).toEqual(ended);
      await expect.poll(() => text(page, 'move-percent')).toBe('100.0%');
      await expect.poll(() => text(page, 'move-regions')).toBe('64 / 64');
    }
    await first.getByTestId('verify').click();
    await expect.poll(() => text(first, 'verify-result'), { timeout: 30_000 }).toMatch(/: 0 mismatches\.$/);
    await screenshot(second, 'attach-4-done-second');
    await screenshot(first, 'attach-5-verified-first');

    expect(await brokenMoveLines(first)).toEqual([]);
    expect(await brokenMoveLines(second)).toEqual([]);
    expect(ui.browser.errors).toEqual([]);
  });
});
