// Proves that an --atomic move on the lvm2 stack is chosen, shown and stepped through in the UI,
// in Chromium against browser mode and the real engine, in step mode. The empty-a-pv demo
// (lv0 = pv1 | pv2, lv1 = pv2 | pv3) empties pv2 onto pv4: two runs, one of each LV.
//  - The plan dialog offers atomic only with lvm2; checked, the command says --atomic, the
//    max segment size field is disabled, and the lvm2 crash cost is all 8 MiB (never
//    checkpointed) where the split stack would re-copy one segment.
//  - Next is pressed through the atomic list (preload, suspend, commit, resume, copy-1, then
//    whatever LVM2's finish takes, finish, remove-layer; no checkpoint); after each step the cards are the engine's list and the
//    diagram draws that phase: pvmove0 and both sub-LVs created with their tables loaded
//    (preload), then one mirror box across both runs (commit), live over
//    vg0-pvmove0_mimage_0 (on pv2) and vg0-pvmove0_mimage_1 (on pv4), listed under pvmove0 in
//    the dm tree (resume); during the copy (paused part-way) one region grid across the mirror,
//    both LVs in it together and a crash cost above zero, and presentation mode naming the
//    atomic copy step; after finish the LVs straight on pv4, pvmove0 no longer a mirror, its
//    header saying the finishing commit is written and both LVs said to be on their destination; after remove-layer no pvmove0
//    and no sub-LV left.
//  - At each step, at 1280×720 and 1920×1080, no label of the diagram overlaps another, and a
//    screenshot of the diagram panel is saved (test-results/e2e/atomic-*.png).

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { MoveStateView } from '../../app/api/move';
import { apiSocket, ROOT, SCREENSHOT_DIR, screenshot, stopAll, tempDir } from './helpers';
import { diagramLabelRects, openUi, overlapping, type UiSession } from './uiHelpers';

let ui: UiSession;
let api: Awaited<ReturnType<typeof apiSocket>>;

beforeAll(async () => {
  const workspace = tempDir('lvmscope-atomic-');
  const made = spawnSync(process.execPath, [path.join(ROOT, 'main', 'cli', 'lvmscope.mjs'), 'demo', workspace, '--scenario', 'empty-a-pv', '--force'], { cwd: ROOT, encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`lvmscope demo failed: ${made.stderr}`);
  ui = await openUi(workspace, { width: 1280, height: 720 });
  api = await apiSocket(ui.server.origin, ui.server.token);
});
afterAll(async () => {
  api?.close();
  await stopAll();
});

const SIZES = [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }];
const moveState = async (): Promise<MoveStateView> => ((await api.call('move.state', {})) as { move: MoveStateView }).move;
const cards = (page: Page) => page.locator('[data-testid="steps"] > li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step-id')}:${e.getAttribute('data-state')}`));
const engineList = (move: MoveStateView) => [...move.steps].sort((a, b) => a.index - b.index).map((s) => `${s.id}:${s.state}`);

/** Waits until the cards show exactly the engine's list, returns the engine's move. */
async function cardsFollowEngine(page: Page): Promise<MoveStateView> {
  let move: MoveStateView | undefined;
  await expect.poll(async () => {
    move = await moveState();
    return JSON.stringify(await cards(page)) === JSON.stringify(engineList(move));
  }, { timeout: 20_000 }).toBe(true);
  return move!;
}

/** At both projector sizes: no diagram label overlaps another, and a shot of the diagram panel. */
async function checkedShots(page: Page, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    const panel = page.locator('section.panel.diagram');
    await panel.scrollIntoViewIfNeeded();
    await expect.poll(async () => overlapping(await diagramLabelRects(page))).toEqual([]);
    await panel.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${size.width}.png`) });
  }
  await page.setViewportSize(SIZES[0]);
}

/** Presses Next while the move waits before step `id`. */
async function pressNextAt(page: Page, id: string): Promise<void> {
  const card = page.locator(`[data-step-id="${id}"]`);
  await expect.poll(() => card.getAttribute('data-state'), { timeout: 30_000 }).toBe('waiting');
  await page.getByTestId('step-next').click();
}

async function stepDone(page: Page, id: string): Promise<MoveStateView> {
  await expect.poll(() => page.locator(`[data-step-id="${id}"]`).getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
  return cardsFollowEngine(page);
}

const attr = (page: Page, testId: string, name: string) => page.getByTestId(testId).getAttribute(name);

describe('an atomic move on the lvm2 stack', () => {
  it('is chosen in the plan dialog and stepped through: one mirror over both runs, above mimage_0 on the source and mimage_1 on the destination', async () => {
    const { page } = ui;
    onTestFailed(() => console.error(`--- serve stderr ---\n${ui.server.stderr()}\n--- page errors ---\n${ui.browser.errors.join('\n')}`));
    await page.getByTestId('stack-lvm2').check();
    await page.getByTestId('rate-custom').check();
    await page.getByLabel('custom rate in KiB/s').fill('1024');
    await page.getByLabel('step mode').check();
    await page.getByTestId('pv-label-pv2').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('move-to').click();
    await page.getByRole('menuitem', { name: /^pv4 yes/ }).click();
    await page.getByTestId('plan-dialog').waitFor();
    expect(await page.getByTestId('plan-segments').textContent()).toMatch(/2 segments/);
    await page.getByTestId('plan-atomic').check();
    await expect.poll(() => page.getByTestId('plan-command').textContent()).toMatch(/^pvmove --atomic /);
    expect(await page.getByTestId('plan-max-segment').isDisabled()).toBe(true);
    expect(await page.getByTestId('plan-segments').textContent()).toMatch(/one mirror over 2 runs/);
    expect(await page.getByTestId('plan-crash-lvm2').textContent()).toMatch(/--atomic: a crash re-copies up to 8\.00 MiB \(one mirror over every segment, never checkpointed/);
    await screenshot(page, 'atomic-plan');
    await page.getByTestId('plan-start').click();

    let move = await cardsFollowEngine(page);
    expect(move.stack).toBe('lvm2');
    expect(move.plan.request.atomic).toBe(true);
    const ids = [...move.steps].sort((a, b) => a.index - b.index).map((s) => s.id);
    // One copy and no checkpoint; what LVM2 does between the copy and the finish (taking the
    // mirror apart, releasing its images) is the engine's list, drawn whatever it holds.
    expect(ids.slice(0, 5)).toEqual(['preload', 'suspend', 'commit', 'resume', 'copy-1']);
    expect(ids.slice(-2)).toEqual(['finish', 'remove-layer']);
    expect(ids.filter((id) => id.startsWith('checkpoint') || (id.startsWith('copy-') && id !== 'copy-1'))).toEqual([]);
    // Before pvmove0 exists: the plan's runs inside the mirror it will be, the legs drawn from the plan.
    expect(await attr(page, 'layer-segment-1', 'data-state')).toBe('planned');
    expect(await attr(page, 'layer-image-0', 'data-exists')).toBe('false');
    await checkedShots(page, 'atomic-00-planned');

    for (const [n, id] of ids.entries()) {
      await pressNextAt(page, id);
      if (id === 'copy-1') await pausedMidCopy(page);
      move = await stepDone(page, id);
      if (id === 'preload') {
        await expect.poll(() => page.getByTestId('layer-device').textContent()).toMatch(/vg0-pvmove0/);
        for (const i of [0, 1]) {
          expect(await attr(page, `layer-image-${i}`, 'data-exists')).toBe('true');
          expect(await attr(page, `layer-image-${i}`, 'data-loaded-not-live')).toBe('true');
        }
        expect(await attr(page, 'layer-atomic-mirror', 'data-live')).toBe('false');
      }
      if (id === 'commit') {
        expect(move.layer?.atomic).toBe(true);
        await expect.poll(() => attr(page, 'layer-segment-2', 'data-state')).toBe('mirroring');
        expect(await attr(page, 'layer-segment-1', 'data-state')).toBe('mirroring');
        expect(await attr(page, 'layer-atomic-mirror', 'data-mapping')).toBe('mirror');
      }
      if (id === 'resume') {
        await expect.poll(() => attr(page, 'layer-image-1', 'data-loaded-not-live')).toBe('false');
        expect(await page.getByTestId('layer-image-0').textContent()).toMatch(/vg0-pvmove0_mimage_0[\s\S]*pv2[\s\S]*pv2/);
        expect(await page.getByTestId('layer-image-1').textContent()).toMatch(/vg0-pvmove0_mimage_1[\s\S]*pv4[\s\S]*pv4/);
        await expect.poll(() => page.getByTestId('dm-tree').textContent()).toMatch(/vg0-lv0[\s\S]*vg0-pvmove0[\s\S]*vg0-pvmove0_mimage_0[\s\S]*pv2[\s\S]*vg0-pvmove0_mimage_1[\s\S]*pv4[\s\S]*vg0-lv1/);
      }
      if (id === 'detach') {
        await expect.poll(() => attr(page, 'layer-atomic-mirror', 'data-mapping')).toBe('destination');
        expect(await attr(page, 'layer-segment-2', 'data-mapping')).toBe('destination');
      }
      if (id === 'release-images') {
        await expect.poll(() => page.getByTestId('dm-vg0-pvmove0_mimage_0').count()).toBe(0);
        expect(await page.getByTestId('dm-vg0-pvmove0_mimage_1').count()).toBe(0);
      }
      if (id === 'finish') {
        await expect.poll(() => page.getByTestId('layer-user-0').textContent()).not.toMatch(/pvmove0/);
        expect(await page.getByTestId('layer-user-1').textContent()).not.toMatch(/pvmove0/);
        // pvmove0 maps nothing the LVs use any more: error, or still linear if it was not reloaded.
        await expect.poll(() => attr(page, 'layer-atomic-mirror', 'data-mapping')).not.toBe('mirror');
        expect(await attr(page, 'layer-segment-1', 'data-state')).toBe('done');
        expect(await page.getByTestId('layer-device').textContent()).toMatch(/first finishing commit written/);
        expect(await page.getByTestId('move-lvs').textContent()).toBe('lv0: on its destination · lv1: on its destination');
      }
      if (id === 'remove-layer') {
        await expect.poll(() => page.getByTestId('dm-vg0-pvmove0').count()).toBe(0);
        expect(await page.getByTestId('dm-vg0-pvmove0_mimage_0').count()).toBe(0);
        expect(await page.getByTestId('dm-vg0-pvmove0_mimage_1').count()).toBe(0);
        await expect.poll(() => page.getByTestId('layer-note').textContent()).toMatch(/^No pvmove0 now/);
      }
      await checkedShots(page, `atomic-${String(n + 1).padStart(2, '0')}-${id}`);
    }
    await expect.poll(() => page.getByTestId('move-status').textContent()).toBe('done');
    await expect.poll(() => page.getByTestId('lv-row-lv0').textContent()).toContain('pv1 | pv4');
    expect(await page.getByTestId('lv-row-lv1').textContent()).toContain('pv4 | pv3');
    expect(ui.browser.errors).toEqual([]);
  });
});

/**
 * During copy-1: pauses the copy once part of the mirror is in sync, checks what the diagram
 * and the figures say of one mirror over both LVs, shoots it, and lets the copy go on.
 */
async function pausedMidCopy(page: Page): Promise<void> {
  await expect.poll(async () => (await moveState()).progress.percent, { timeout: 30_000, interval: 100 }).toBeGreaterThan(15);
  await page.getByTestId('pause').click();
  await expect.poll(async () => (await moveState()).progress.paused).toBe(true);
  expect(await page.getByTestId('region-grid-0').count()).toBe(1);
  await expect.poll(() => page.getByTestId('layer-atomic-mirror-detail').textContent()).toMatch(/\d+% in sync$/);
  expect(await page.getByTestId('move-lvs').textContent()).toBe('lv0: in the one atomic mirror · lv1: in the one atomic mirror');
  expect((await moveState()).progress.crashCostBytes).toBeGreaterThan(0);
  expect(await page.getByTestId('crash-cost').getAttribute('title')).toMatch(/never checkpointed/);
  await checkedShots(page, 'atomic-05a-copy-1-paused');
  await screenshot(page, 'atomic-window-copy-1');
  await presentationShots(page);
  await page.getByTestId('pause').click();
}

/** Presentation mode at both projector sizes, during the copy: the caption names the atomic copy step. */
async function presentationShots(page: Page): Promise<void> {
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('F5');
  await page.getByTestId('presentation').waitFor();
  expect(await page.getByTestId('presentation-step').textContent()).toMatch(/^Step 5 of \d+ · Mirror the whole move \(atomic\)/);
  await page.getByTestId('layer-atomic-mirror').waitFor();
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `atomic-presentation-copy-1-${size.width}.png`) });
  }
  await page.setViewportSize(SIZES[0]);
  await page.keyboard.press('Escape');
  await page.locator('[data-testid^="pv-row-"]').first().waitFor();
}
