// Proves that the step lists of both device stacks drive the UI, in Chromium against browser
// mode and the real engine, in step mode (the move waits before each step until Next):
//  - lvm2 stack: the seed's pv2 segment of lv0 moves to pv4 with a maximum segment size of
//    1 MiB chosen in the plan dialog (pvmove0 then has 4 segments; the dialog shows what a crash
//    costs with each stack). Next is pressed through the whole list; before and after each step
//    the step cards are exactly the engine's list (ids in order, states), the current card is
//    the step waiting, and the diagram draws that phase: pvmove0 created with its table loaded
//    (preload), the LV suspended, the segments recorded (commit), segment k mirroring with its
//    region grid during copy-k, done and mapped to pv4 after checkpoint-k with k+1 mirrored,
//    the LV straight on pv4 after finish, pvmove0 gone after remove-layer. The dm tree lists
//    vg0-pvmove0 under vg0-lv0. A screenshot of the diagram after each step is saved at
//    1280×720 and 1920×1080 (test-results/e2e/stacks-lvm2-*.png), and of presentation mode
//    during a copy at both sizes.
//  - outline stack: the same LV moved back (pv4 → pv2), Next through its eight steps, the cards
//    following the engine's list the same way.
//  - a two-LV lvm2 move (empty-a-pv: lv0 and lv1 leave pv2): both LVs side by side over one
//    pvmove0, lv1's segment mirroring, no label overlapping another at 1920×1080 or 1280×720,
//    and the dm tree listing pvmove0 in full under lv0 and as a repeat under lv1.

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { MoveStateView } from '../../app/api/move';
import { apiSocket, launchBrowser, ROOT, SCREENSHOT_DIR, screenshot, startServe, stopAll, tempDir } from './helpers';
import { openUi, overlapping, type Rect, type UiSession } from './uiHelpers';

let ui: UiSession;
let api: Awaited<ReturnType<typeof apiSocket>>;

beforeAll(async () => {
  ui = await openUi(tempDir('lvmscope-stacks-'), { width: 1280, height: 720 });
  api = await apiSocket(ui.server.origin, ui.server.token);
});
afterAll(async () => {
  api?.close();
  await stopAll();
});

const moveState = async (): Promise<MoveStateView> => ((await api.call('move.state', {})) as { move: MoveStateView }).move;

/** What the step cards show: each card's step id and state, in screen order. */
const cards = (page: Page) => page.locator('[data-testid="steps"] > li').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step-id')}:${e.getAttribute('data-state')}`));
/** The engine's list, written the same way. */
const engineList = (move: MoveStateView) => [...move.steps].sort((a, b) => a.index - b.index).map((s) => `${s.id}:${s.state}`);

/** Waits until the cards show exactly the engine's list (and the engine has stopped changing it), returns it. */
async function cardsFollowEngine(page: Page): Promise<MoveStateView> {
  let move: MoveStateView | undefined;
  await expect
    .poll(async () => {
      move = await moveState();
      return JSON.stringify(await cards(page)) === JSON.stringify(engineList(move));
    }, { timeout: 20_000 })
    .toBe(true);
  return move!;
}

/** Both projector sizes: a shot of the diagram panel at 1280×720 and at 1920×1080. */
async function diagramShots(page: Page, name: string): Promise<void> {
  for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
    await page.setViewportSize(size);
    const panel = page.locator('section.panel.diagram');
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${size.width}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

/** Presses Next while the move waits before step `id`, then waits until that step is done. */
async function runStep(page: Page, id: string): Promise<MoveStateView> {
  const card = page.locator(`[data-step-id="${id}"]`);
  await expect.poll(() => card.getAttribute('data-state'), { timeout: 30_000 }).toBe('waiting');
  expect(await card.getAttribute('aria-current')).toBe('step');
  await page.getByTestId('step-next').click();
  await expect.poll(() => card.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
  return cardsFollowEngine(page);
}

const segmentAttr = (page: Page, k: number, name: string) => page.getByTestId(`layer-segment-${k}`).getAttribute(name);

/** Chooses pv2's whole content (lv0's middle segment) and opens the plan to `to` with the keyboard path. */
async function planMove(page: Page, from: string, to: string): Promise<void> {
  await page.getByTestId(`pv-label-${from}`).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('move-to').click();
  await page.getByRole('menuitem', { name: new RegExp(`^${to} yes`) }).click();
  await page.getByTestId('plan-dialog').waitFor();
}

describe('the step lists of both stacks drive the UI', () => {
  it('runs the seed move on the lvm2 stack step by step: cards follow the engine, the diagram draws pvmove0 at each step', async () => {
    const { page } = ui;
    onTestFailed(() => console.error(`--- serve stderr ---\n${ui.server.stderr()}\n--- page errors ---\n${ui.browser.errors.join('\n')}`));
    await page.getByTestId('stack-lvm2').check();
    await page.getByTestId('rate-custom').check();
    await page.getByLabel('custom rate in KiB/s').fill('512');
    await page.getByLabel('step mode').check();
    // Idle, the lvm2 diagram already shows the LV and says there is no pvmove0.
    await expect.poll(() => page.getByTestId('move-diagram').getAttribute('data-stack')).toBe('lvm2');
    await planMove(page, 'pv2', 'pv4');
    expect(await page.getByTestId('plan-stack-lvm2').isChecked()).toBe(true);
    // One 4 MiB segment: a crash re-copies up to 4 MiB with either stack; split at 1 MiB, lvm2's worst case drops to 1 MiB.
    await expect.poll(() => page.getByTestId('plan-crash-lvm2').textContent()).toMatch(/re-copies up to 4\.00 MiB/);
    await page.getByTestId('plan-max-segment').fill('1');
    await page.getByTestId('plan-max-segment').press('Enter');
    await expect.poll(() => page.getByTestId('plan-segments').textContent()).toMatch(/4 segments/);
    expect(await page.getByTestId('plan-crash-lvm2').textContent()).toMatch(/re-copies up to 1\.00 MiB/);
    expect(await page.getByTestId('plan-crash-outline').textContent()).toMatch(/re-copies up to 4\.00 MiB/);
    await screenshot(page, 'stacks-lvm2-plan');
    await page.getByTestId('plan-start').click();

    let move = await cardsFollowEngine(page);
    expect(move.stack).toBe('lvm2');
    const ids = [...move.steps].sort((a, b) => a.index - b.index).map((s) => s.id);
    expect(ids).toEqual(['preload', 'suspend', 'commit', 'resume', 'copy-1', 'checkpoint-1', 'copy-2', 'checkpoint-2', 'copy-3', 'checkpoint-3', 'copy-4', 'finish', 'remove-layer']);
    expect(await page.locator('#steps-title').textContent()).toMatch(/13/);
    await diagramShots(page, 'stacks-lvm2-00-planned');
    // The plan's segments are drawn as planned before pvmove0 exists.
    expect(await segmentAttr(page, 1, 'data-state')).toBe('planned');

    for (const [n, id] of ids.entries()) {
      move = await runStep(page, id);
      const shot = `stacks-lvm2-${String(n + 1).padStart(2, '0')}-${id}`;
      if (id === 'preload') {
        await expect.poll(() => page.getByTestId('layer-device').textContent()).toMatch(/vg0-pvmove0/);
        expect(await page.getByTestId('layer-user-0').getAttribute('data-loaded-not-live')).toBe('true');
      }
      if (id === 'suspend') await expect.poll(() => page.getByTestId('layer-user-header-0').textContent()).toMatch(/SUSPENDED/);
      if (id === 'commit') await expect.poll(() => segmentAttr(page, 1, 'data-state')).toBe('mirroring');
      if (id === 'resume') {
        await expect.poll(() => page.getByTestId('layer-user-0').getAttribute('data-loaded-not-live')).toBe('false');
        await expect.poll(() => page.getByTestId('dm-tree').textContent()).toMatch(/vg0-lv0[\s\S]*vg0-pvmove0/);
      }
      const copy = /^copy-(\d)$/.exec(id);
      if (copy) {
        const k = Number(copy[1]);
        expect(await segmentAttr(page, k, 'data-mapping')).toBe('mirror');
        expect(await page.getByTestId('region-grid-0').count()).toBe(1);
        for (let j = k + 1; j <= 4; j += 1) expect(await segmentAttr(page, j, 'data-mapping')).toBe('source');
      }
      const checkpoint = /^checkpoint-(\d)$/.exec(id);
      if (checkpoint) {
        const k = Number(checkpoint[1]);
        await expect.poll(() => segmentAttr(page, k, 'data-state')).toBe('done');
        await expect.poll(() => segmentAttr(page, k, 'data-mapping')).toBe('destination');
        await expect.poll(() => segmentAttr(page, k + 1, 'data-mapping')).toBe('mirror');
        expect(move.layer?.segments.map((s) => s.state === 'done')).toEqual([1, 2, 3, 4].map((j) => j <= k));
        // The next segment is mirrored by the reloaded table (its copy starts with the next step).
        await expect.poll(() => segmentAttr(page, k + 1, 'data-state')).toBe('mirroring');
      }
      if (id === 'finish') {
        await expect.poll(() => page.getByTestId('layer-user-0').textContent()).not.toMatch(/pvmove0/);
        expect(await page.getByTestId('layer-user-0').textContent()).toMatch(/pv4/);
      }
      if (id === 'remove-layer') {
        await expect.poll(() => page.getByTestId('dm-vg0-pvmove0').count()).toBe(0);
        await expect.poll(() => page.getByTestId('layer-note').textContent()).toMatch(/^No pvmove0 now/);
      }
      if (id === 'copy-2') {
        await screenshot(page, 'stacks-lvm2-window-copy-2');
        await presentationShots(page, 'stacks-lvm2-presentation-copy-2');
      }
      await diagramShots(page, shot);
    }
    await expect.poll(() => page.getByTestId('move-status').textContent()).toBe('done');
    await expect.poll(() => page.getByTestId('lv-row-lv0').textContent()).toContain('pv1 | pv4 | pv3');
    expect(ui.browser.errors).toEqual([]);
  });

  it('moves it back on the outline stack, Next through its eight steps, the cards following the engine', async () => {
    const { page } = ui;
    onTestFailed(() => console.error(`--- serve stderr ---\n${ui.server.stderr()}\n--- page errors ---\n${ui.browser.errors.join('\n')}`));
    await page.getByTestId('stack-outline').check();
    await planMove(page, 'pv4', 'pv2');
    expect(await page.getByTestId('plan-stack-outline').isChecked()).toBe(true);
    expect(await page.getByTestId('plan-max-segment').count()).toBe(0);
    await page.getByTestId('plan-start').click();
    let move = await cardsFollowEngine(page);
    expect(move.stack).toBe('outline');
    await expect.poll(() => page.getByTestId('move-diagram').getAttribute('data-stack')).toBe('outline');
    const ids = [...move.steps].sort((a, b) => a.index - b.index).map((s) => s.id);
    expect(ids).toEqual(['suspend', 'create-temp', 'load-mirror', 'copy', 'suspend-copied', 'remove-temp', 'commit', 'final-table'].map((s) => `lv0/${s}`));
    for (const id of ids) move = await runStep(page, id);
    expect(move.status).toBe('done');
    await expect.poll(() => page.getByTestId('lv-row-lv0').textContent()).toContain('pv1 | pv2 | pv3');
    await diagramShots(page, 'stacks-outline-done');
    expect(ui.browser.errors).toEqual([]);
  });
});

/** Presentation mode at both projector sizes: the caption names the step by its place in the lvm2 list. */
async function presentationShots(page: Page, name: string): Promise<void> {
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('F5');
  await page.getByTestId('presentation').waitFor();
  expect(await page.getByTestId('presentation-step').textContent()).toMatch(/^Step \d+ of 13 · /);
  expect(await page.getByTestId('pres-stack').getAttribute('data-stack')).toBe('lvm2');
  // Segment 1 is checkpointed, segment 2 copied but not yet: a crash now copies segment 2 (1 MiB) again.
  expect(await page.getByTestId('presentation-crash-cost').textContent()).toBe('A crash now re-copies 1.00 MiB.');
  for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${size.width}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.keyboard.press('Escape');
  await page.locator('[data-testid^="pv-row-"]').first().waitFor();
}

/** Every non-empty text of the diagram and every box of pvmove0's row, as DOM rectangles. */
async function diagramRects(page: Page): Promise<{ labels: Rect[]; segments: Rect[] }> {
  const labels = await page.locator('[data-testid="move-diagram"] svg text').evaluateAll((els) =>
    els.filter((e) => (e.textContent ?? '').trim() !== '').map((e) => {
      const r = e.getBoundingClientRect();
      return { text: e.textContent ?? '', x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
  const segments = await page.locator('[data-testid^="layer-segment-"] > rect').evaluateAll((els) =>
    els.map((e, i) => {
      const r = e.getBoundingClientRect();
      // The 2 px between boxes is their border: shrink by 1 px a side so neighbours do not "touch".
      return { text: `segment ${i + 1}`, x: r.x + 1, y: r.y, width: r.width - 2, height: r.height };
    }),
  );
  return { labels, segments };
}

describe('a two-LV move on the lvm2 stack (empty-a-pv)', () => {
  it('draws both LVs over one pvmove0 without overlapping labels, and lists pvmove0 under each in the dm tree', async () => {
    const workspace = tempDir('lvmscope-stacks-two-lvs-');
    const made = spawnSync(process.execPath, [path.join(ROOT, 'main', 'cli', 'lvmscope.mjs'), 'demo', workspace, '--scenario', 'empty-a-pv', '--force'], { cwd: ROOT, encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const server = await startServe(workspace);
    const browser = await launchBrowser({ viewport: { width: 1920, height: 1080 } });
    const { page } = browser;
    onTestFailed(() => console.error(`--- serve stderr ---\n${server.stderr()}\n--- page errors ---\n${browser.errors.join('\n')}`));
    await page.goto(server.url);
    await page.locator('[data-testid^="pv-row-"]').first().waitFor({ timeout: 30_000 });
    const socket = await apiSocket(server.origin, server.token);
    await socket.call('move.start', { request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv3', 'pv4'], alloc: 'normal' }, options: { stack: 'lvm2', rateBytesPerSec: 1024 * 1024, regionSizeSectors: 128 } });
    const state = async () => ((await socket.call('move.state', {})) as { move: MoveStateView }).move;
    // lv0's segment comes first; wait for lv1's to mirror, then hold the picture still.
    await expect.poll(async () => (await state()).layer?.segments.find((x) => x.state === 'mirroring')?.lv, { timeout: 60_000, interval: 50 }).toBe('lv1');
    await socket.call('move.control', { action: 'pause' });
    await expect.poll(() => page.getByTestId('move-diagram').getAttribute('data-stack')).toBe('lvm2');
    await expect.poll(() => page.locator('[data-testid^="layer-user-header-"]').count()).toBe(2);
    const mirroring = (await state()).layer!.segments.find((x) => x.state === 'mirroring')!.index;
    await expect.poll(() => page.getByTestId(`layer-segment-${mirroring}`).getAttribute('data-mapping')).toBe('mirror');
    expect(await page.getByTestId('move-lvs').textContent()).toMatch(new RegExp(`lv0: (copied, waits for the finish|\\d of \\d segments copied) · lv1: copying segment ${mirroring}`));
    expect(await page.getByTestId('dm-vg0-pvmove0').count()).toBe(1);
    expect(await page.getByTestId('dm-repeat-vg0-pvmove0').count()).toBe(1);
    for (const size of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }]) {
      await page.setViewportSize(size);
      await page.getByTestId('move-diagram').scrollIntoViewIfNeeded();
      await expect.poll(async () => overlapping((await diagramRects(page)).labels)).toEqual([]);
      const { labels, segments } = await diagramRects(page);
      expect(labels.length).toBeGreaterThan(15);
      expect(overlapping(segments)).toEqual([]);
      await page.locator('section.panel.diagram').screenshot({ path: path.join(SCREENSHOT_DIR, `stacks-lvm2-two-lvs-${size.width}.png`) });
    }
    await socket.call('move.control', { action: 'setRate', rateBytesPerSec: 0 });
    await socket.call('move.control', { action: 'resume' });
    await expect.poll(() => page.getByTestId('move-status').textContent(), { timeout: 60_000 }).toBe('done');
    socket.close();
    expect(browser.errors).toEqual([]);
  });
});
