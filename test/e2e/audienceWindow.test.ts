// Proves the presenter's and the audience's views of one move in two windows (issue 16 item
// 1), in Chromium against browser mode and the real engine: the seed move starts in step mode
// from the main window; F5 makes it the presenter's view (controls, narration, the next step);
// its "Audience window" button opens a second window at the same address with view=audience,
// which shows the diagram and the timeline only (no controls, no narration). Space in the
// presenter's window runs steps and the audience's window follows them; ← in the presenter's
// window shows step 3's state again in both (the loaded-not-live mirror); → returns both to
// live; the move ends done in both. Screenshots: test-results/e2e/audience-*.png.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { screenshot, stopAll, tempDir } from './helpers';
import { openUi, stepStates, type UiSession, planByKeys } from './uiHelpers';

let ui: UiSession;

beforeAll(async () => {
  ui = await openUi(tempDir('lvmscope-audience-ui-'), { width: 1280, height: 720 });
});
afterAll(stopAll);

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).textContent()) ?? '';
const liveMirrors = (page: Page) => page.locator('[data-testid^="diagram-target-"][data-kind="mirror"]:not([data-live="false"])').count();
const loadedMirrors = (page: Page) => page.locator('[data-testid^="diagram-target-"][data-kind="mirror"][data-live="false"]').count();

describe('a presenter’s window and an audience’s window', () => {
  it('shows the same step in both, the diagram only in the audience’s, and ← in the presenter’s replays the step in both', async () => {
    const { page: presenter, browser } = ui;
    onTestFailed(() => console.error(`--- serve stderr ---\n${ui.server.stderr()}\n--- page errors ---\n${browser.errors.join('\n')}`));
    await presenter.getByLabel('step mode').check();
    await planByKeys(presenter, 'pv2', 'pv4');
    await presenter.getByTestId('plan-start').click();
    await expect.poll(async () => (await stepStates(presenter))[0], { timeout: 30_000 }).toBe('waiting');

    await presenter.locator('body').click({ position: { x: 5, y: 5 } });
    await presenter.keyboard.press('F5');
    await presenter.getByTestId('presentation').waitFor();
    const [audience] = await Promise.all([browser.context.waitForEvent('page'), presenter.getByTestId('pres-audience').click()]);
    audience.on('pageerror', (e) => browser.errors.push(`audience: ${String(e)}`));
    await audience.setViewportSize({ width: 1280, height: 720 });
    expect(new URL(audience.url()).searchParams.get('view')).toBe('audience');
    await audience.getByTestId('audience').waitFor({ timeout: 30_000 });
    // The diagram and the timeline only: no PV maps, no controls, no narration, no next step.
    await audience.getByTestId('move-diagram').waitFor();
    for (const absent of ['[data-testid^="pv-row-"]', '[data-testid="pause"]', '[data-testid="presentation-narration"]', '[data-testid="presentation-next"]', '[data-testid="step-next"]']) {
      expect(await audience.locator(`${absent} >> visible=true`).count(), absent).toBe(0);
    }
    expect(await text(presenter, 'presentation-next')).toBe('Next: Step 2 of 8 · Create temporary device');

    for (let n = 1; n <= 4; n++) {
      await presenter.keyboard.press('Space');
      await expect.poll(async () => (await stepStates(presenter))[n - 1], { timeout: 30_000 }).toBe('done');
      await expect.poll(async () => (await stepStates(audience))[n - 1], { timeout: 30_000 }).toBe('done');
      await expect.poll(() => text(audience, 'audience-step')).toMatch(new RegExp(`^Step ${n + 1} of 8`));
    }
    expect(await liveMirrors(audience)).toBe(1);
    await screenshot(presenter, 'audience-presenter-step-5');
    await screenshot(audience, 'audience-audience-step-5');

    // ← twice in the presenter's window: both windows show step 3's state (the mirror loaded, not live).
    await presenter.keyboard.press('ArrowLeft');
    await presenter.keyboard.press('ArrowLeft');
    await expect.poll(() => presenter.getByTestId('presentation').getAttribute('data-replaying')).toBe('3');
    await expect.poll(() => audience.getByTestId('audience').getAttribute('data-replaying')).toBe('3');
    expect(await audience.getByTestId('audience-replaying').isVisible()).toBe(true);
    expect(await liveMirrors(audience)).toBe(0);
    expect(await loadedMirrors(audience)).toBe(1);
    await screenshot(audience, 'audience-audience-back-to-step-3');

    // → until live: both follow the engine again.
    await presenter.keyboard.press('ArrowRight');
    await presenter.keyboard.press('ArrowRight');
    await expect.poll(() => presenter.getByTestId('presentation').getAttribute('data-replaying')).toBe('live');
    await expect.poll(() => audience.getByTestId('audience').getAttribute('data-replaying')).toBe('live');
    expect(await liveMirrors(audience)).toBe(1);

    for (let n = 5; n <= 8; n++) {
      await presenter.keyboard.press('Space');
      await expect.poll(async () => (await stepStates(presenter))[n - 1], { timeout: 60_000 }).toBe('done');
    }
    await expect.poll(() => text(audience, 'audience-status'), { timeout: 30_000 }).toBe('done');
    expect(await stepStates(audience)).toEqual(await stepStates(presenter));
    await audience.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(audience, 'audience-audience-done-1080');
  });
});
