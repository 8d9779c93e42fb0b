// Proves the move diagram draws what exists, as it happens, in Chromium against browser mode
// and the real engine, in step mode (the move waits before each step until Next):
//  - after step 1 the LV is drawn SUSPENDED with its queued-IO count;
//  - after step 2 the diagram (and its SVG export) shows vg0-lv0-orig with the original three
//    linear targets (pv1 | pv2 | pv3);
//  - after step 3, before step 4, the identity + mirror table is drawn loaded-not-live, and
//    live once step 4's resume swapped it in;
//  - one write into a region not copied yet is seen held (its region copying), then its region
//    copied, then the write landing on both legs, in a screenshot sequence;
//  - -orig is marked for removal after step 6 and gone after step 8;
//  - a move with two mirrors in one table (the empty-a-pv layout, pv2 → pv3 + pv4) lays out
//    with no overlapping labels (DOM rectangles) and each destination's percentage is its own
//    mirror's.
// Screenshots of the diagram (test-results/e2e/live-*.png) at 1280×720 and 1920×1080.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import type { MoveStateView } from '../../app/api/move';
import { apiSocket, launchBrowser, ROOT, SCREENSHOT_DIR, startServe, stopAll, tempDir } from './helpers';
import { openUi, overlapping, stepStates, type UiSession, planByKeys } from './uiHelpers';

afterAll(stopAll);

/** A picture of the diagram panel alone, where the story is told. */
async function diagramShot(page: Page, name: string): Promise<void> {
  await page.locator('section.panel.diagram').screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Presses Next when the move waits before `step`, and waits until the step is done (or, for step 4's copy, running). */
async function next(page: Page, step: number, until: 'done' | 'running' = 'done'): Promise<void> {
  await expect.poll(async () => (await stepStates(page))[step - 1], { timeout: 20_000 }).toBe('waiting');
  await page.getByTestId('step-next').click();
  await expect.poll(async () => (await stepStates(page))[step - 1], { timeout: 30_000 }).toMatch(until === 'done' ? /^done$/ : /^(running|done)$/);
}

type Held = { key: string; region: number; phase: string };
const heldWrites = (page: Page): Promise<Held[]> => page.evaluate(() => (window as unknown as { lvmscopeAnimator: { heldWrites(): Held[] } }).lvmscopeAnimator.heldWrites());

describe('the diagram in step mode (seed move, 1280×720)', () => {
  let ui: UiSession;

  it('draws each step as it happens: suspended, -orig, the loaded table, a held write, removal', async () => {
    ui = await openUi(tempDir('lvmscope-live-'), { width: 1280, height: 720 });
    const { page } = ui;
    onTestFailed(() => console.error(`--- serve stderr ---\n${ui.server.stderr()}\n--- page errors ---\n${ui.browser.errors.join('\n')}`));
    await page.getByTestId('rate-custom').check();
    await page.getByLabel('custom rate in KiB/s').fill('16');
    await page.getByLabel('step mode').check();
    await planByKeys(page, 'pv2', 'pv4');
    await page.getByTestId('plan-start').click();
    const diagram = page.getByTestId('move-diagram');
    await diagram.scrollIntoViewIfNeeded();

    await next(page, 1);
    await expect.poll(() => page.getByTestId('diagram-suspended').textContent()).toMatch(/^SUSPENDED: \d+ IOs? queued$/);
    await diagramShot(page, 'live-1-suspended');

    await next(page, 2);
    await expect.poll(() => page.getByTestId('diagram-temp-device').textContent()).toContain('vg0-lv0-orig');
    const lower = () => page.locator('[data-testid^="diagram-lower-"] .box-label').allTextContents();
    expect(await lower()).toEqual(['pv1', 'pv2', 'pv3']);
    expect(await page.locator('[data-testid^="diagram-lower-"] .box-sublabel').allTextContents()).toEqual(['7:0 @2048', '7:1 @2048', '7:2 @2048']);
    await diagramShot(page, 'live-2-orig-created');
    const download = page.waitForEvent('download');
    await page.getByTestId('export-svg').click();
    const svg = readFileSync(await (await download).path(), 'utf8');
    expect(svg).toContain('vg0-lv0-orig');
    expect(svg.match(/data-testid="diagram-lower-\d"/g)).toHaveLength(3);
    for (const pv of ['pv1', 'pv2', 'pv3']) expect(svg).toContain(`>${pv}</text>`);

    await next(page, 3);
    const kinds = () => page.locator('[data-testid^="diagram-target-"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-kind')}:${e.getAttribute('data-live')}`));
    await expect.poll(kinds).toEqual(['identity:false', 'mirror:false', 'identity:false']);
    expect(await page.getByTestId('diagram-loaded-not-live').isVisible()).toBe(true);
    expect(await page.getByTestId('diagram-suspended').isVisible()).toBe(true);
    await diagramShot(page, 'live-3-loaded-not-live');

    await next(page, 4, 'running');
    await expect.poll(kinds).toEqual(['identity:true', 'mirror:true', 'identity:true']);
    expect(await page.getByTestId('diagram-loaded-not-live').count()).toBe(0);

    // The workload writes at random; the copy crawls at 16 KiB/s, so a write soon lands in a
    // region not copied yet. Follow that one write through its moments.
    await page.getByTestId('workload-toggle').click();
    let followed: Held | undefined;
    await expect.poll(async () => (followed = (await heldWrites(page)).find((w) => w.phase === 'held')) !== undefined, { timeout: 30_000 }).toBe(true);
    await page.getByTestId('workload-toggle').click();
    await diagramShot(page, 'live-4a-write-held');
    const phaseOf = async () => (await heldWrites(page)).find((w) => w.key === followed!.key)?.phase ?? 'gone';
    await expect.poll(phaseOf, { timeout: 20_000, interval: 50 }).toBe('copied');
    await diagramShot(page, 'live-4b-region-copied');
    await expect.poll(phaseOf, { timeout: 20_000, interval: 50 }).toBe('landing');
    await diagramShot(page, 'live-4c-write-on-both-legs');

    // Let the copy finish, then steps 5 to 8 one by one.
    await page.getByTestId('rate-unlimited').check();
    await expect.poll(async () => (await stepStates(page))[3], { timeout: 60_000 }).toBe('done');
    await next(page, 5);
    await expect.poll(() => page.getByTestId('diagram-suspended').textContent()).toMatch(/^SUSPENDED/);
    await next(page, 6);
    await expect.poll(() => page.getByTestId('diagram-temp-device').textContent()).toMatch(/marked for removal/);
    await diagramShot(page, 'live-6-orig-marked-for-removal');
    await next(page, 7);
    await next(page, 8);
    await expect.poll(() => page.getByTestId('diagram-temp-device').count()).toBe(0);
    await expect.poll(() => page.getByTestId('move-status').textContent()).toBe('done');
    await diagramShot(page, 'live-8-done');
    expect(ui.browser.errors).toEqual([]);
  });
});

describe('a move with two mirrors in one table (empty-a-pv, 1920×1080)', () => {
  it('lays out without overlapping labels and shows each destination its own mirror\'s percentage', async () => {
    const workspace = tempDir('lvmscope-two-mirrors-');
    const made = spawnSync(process.execPath, [path.join(ROOT, 'main', 'cli', 'lvmscope.mjs'), 'demo', workspace, '--scenario', 'empty-a-pv', '--force'], { cwd: ROOT, encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const server = await startServe(workspace);
    const browser = await launchBrowser({ viewport: { width: 1920, height: 1080 } });
    const { page } = browser;
    onTestFailed(() => console.error(`--- serve stderr ---\n${server.stderr()}\n--- page errors ---\n${browser.errors.join('\n')}`));
    await page.goto(server.url);
    await page.locator('[data-testid^="pv-row-"]').first().waitFor({ timeout: 30_000 });
    const api = await apiSocket(server.origin, server.token);
    await api.call('move.start', { request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv3', 'pv4'], alloc: 'normal' }, options: { rateBytesPerSec: 4 * 1024 * 1024, regionSizeSectors: 128 } });
    // lv0 moves first (one mirror); lv1's table has two mirrors, to pv3 and to pv4.
    await expect.poll(() => page.getByTestId('diagram-destination-1').count(), { timeout: 60_000, interval: 50 }).toBe(1);
    await api.call('move.control', { action: 'pause' });
    await page.getByTestId('move-diagram').scrollIntoViewIfNeeded();
    const state = async () => (await api.call('move.state', {})) as { move: MoveStateView };
    const expected = async () => (await state()).move.progress.mirrors.map((m) => `${Math.round((m.regionsCopied * 100) / m.regionsTotal)}%`);
    const shown = () => page.locator('[data-testid^="diagram-destination-percent-"]').evaluateAll((els) => els.map((e) => /(\d+)% written/.exec(e.textContent ?? '')?.[1] + '%'));
    await expect.poll(async () => JSON.stringify(await shown()) === JSON.stringify(await expected()), { timeout: 10_000 }).toBe(true);
    expect((await state()).move.currentLv).toBe('lv1');
    // Which LV each part belongs to: lv0's steps are done, lv1's mirrors are the ones drawn.
    expect(await page.getByTestId('move-lvs').textContent()).toMatch(/lv0: done · lv1: step 4 of 8/);
    expect(await page.locator('[data-testid^="diagram-destination-"] .box-label').allTextContents()).toEqual(['pv3', 'pv4']);
    const labels = await page.locator('[data-testid="move-diagram"] svg text').evaluateAll((els) =>
      els.filter((e) => (e.textContent ?? '').trim() !== '').map((e) => {
        const r = e.getBoundingClientRect();
        return { text: e.textContent ?? '', x: r.x, y: r.y, width: r.width, height: r.height };
      }),
    );
    expect(labels.length).toBeGreaterThan(10);
    expect(overlapping(labels)).toEqual([]);
    const boxes = await page.locator('[data-testid^="diagram-destination-"] > rect.destination').evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return { text: 'destination', x: r.x, y: r.y, width: r.width, height: r.height }; }));
    expect(overlapping(boxes)).toEqual([]);
    await diagramShot(page, 'live-two-mirrors-1920');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByTestId('move-diagram').scrollIntoViewIfNeeded();
    await diagramShot(page, 'live-two-mirrors-1280');
    await api.call('move.control', { action: 'setRate', rateBytesPerSec: 0 });
    await api.call('move.control', { action: 'resume' });
    await expect.poll(() => page.getByTestId('move-status').textContent(), { timeout: 60_000 }).toBe('done');
    api.close();
    expect(browser.errors).toEqual([]);
  });
});
