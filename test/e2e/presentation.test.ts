// Proves presentation mode is driven by keys only, in Chromium against browser mode and the
// real engine: the seed move is started in step mode from the main window (drag lv0's pv2
// segment onto pv4), F5 enters presentation mode, Space / → run each of the eight steps
// (each step's screenshot at 1280×720 is saved), ← shows an earlier step's state again (the
// diagram of step 3 has no live mirror yet, only the loaded one) and → returns to live; E exports the diagram
// as SVG that parses as XML and names the devices of the step it was taken at (vg0-lv0-orig
// and the mirror during step 4, neither after step 8); the Markdown transcript downloads with
// the eight steps; + changes the copy rate; H hides the hint; Esc leaves. Also: the header
// shows the seqno uncut at 1280×720; during steps 5–7 (checkpointed, mirror still loaded) the
// region grid stays painted and reads 64 / 64 (and so after 8); vg0-lv0-orig is DEFERRED
// REMOVE from step 6 and still drawn until step 8.
// Screenshots: test-results/e2e/presentation-*.png.
import { readFile } from 'node:fs/promises';
import { DOMParser } from '@xmldom/xmldom';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { screenshot, stopAll, tempDir } from './helpers';
import { dragTo, openUi, type UiSession } from './uiHelpers';

let ui: UiSession;

beforeAll(async () => {
  ui = await openUi(tempDir('lvmscope-presentation-ui-'), { width: 1280, height: 720 });
});
afterAll(stopAll);

async function download(page: Page, trigger: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), trigger()]);
  return { name: file.suggestedFilename(), text: await readFile((await file.path())!, 'utf8') };
}

/** The exported SVG parsed as XML: every text in it, and no parser error. */
function svgTexts(svg: string): string[] {
  const errors: string[] = [];
  const doc = new DOMParser({ errorHandler: { warning: (m: string) => void errors.push(m), error: (m: string) => void errors.push(m), fatalError: (m: string) => void errors.push(m) } }).parseFromString(svg, 'image/svg+xml');
  expect(errors).toEqual([]);
  expect(doc.documentElement?.nodeName).toBe('svg');
  return Array.from(doc.getElementsByTagName('text')).map((t) => t.textContent ?? '');
}

/** Non-transparent pixels on the mirror's region-grid canvas (0 = the grid is blank). */
const paintedPixels = (page: Page) =>
  page.getByTestId('region-grid-0').evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1;
    return n;
  });
const stepState = (page: Page, n: number) => page.getByTestId(`step-${n}`).getAttribute('data-state');
/** Mirror targets drawn live (a table only loaded into the inactive slot is drawn with data-live="false"). */
const mirrorTargets = (page: Page) => page.locator('[data-testid^="diagram-target-"][data-kind="mirror"]:not([data-live="false"])').count();
const loadedMirrorTargets = (page: Page) => page.locator('[data-testid^="diagram-target-"][data-kind="mirror"][data-live="false"]').count();

describe('presentation mode', () => {
  it('runs the eight steps of the seed move with keys only, replays earlier steps, and exports', async () => {
    const { page, browser } = ui;
    onTestFailed(() => console.error(`--- serve stderr ---\n${ui.server.stderr()}\n--- page errors ---\n${browser.errors.join('\n')}`));
    await page.getByLabel('step mode').check();
    await page.getByTestId('rate-custom').check();
    await page.getByLabel('custom rate in KiB/s').fill('2048');
    expect(await dragTo(page, '[data-testid="lv-seg-lv0-pv2"]', '[data-testid="pv-map-pv4"]', 'pv4')).toMatch(/^yes/);
    await page.getByTestId('plan-start').click();
    await expect.poll(() => stepState(page, 1), { timeout: 10_000 }).toBe('waiting');

    // At 1280×720 the header still shows the VG's seqno whole (it was cut off by an ellipsis).
    const seqnoClipped = await page.getByTestId('vg-seqno').evaluate((el) => {
      const line = el.parentElement!;
      return el.getBoundingClientRect().right > line.getBoundingClientRect().right + 0.5 || line.scrollWidth > line.clientWidth;
    });
    expect(seqnoClipped).toBe(false);

    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('F5');
    await page.getByTestId('presentation').waitFor();
    expect(await page.locator('[data-testid^="pv-row-"]').count()).toBe(0);
    await screenshot(page, 'presentation-0-waiting');

    for (let n = 1; n <= 8; n += 1) {
      await page.keyboard.press(n % 2 ? 'Space' : 'ArrowRight');
      await expect.poll(() => stepState(page, n), { timeout: 30_000 }).toBe('done');
      if (n < 8) await expect.poll(() => page.getByTestId('presentation-status').textContent(), { timeout: 30_000 }).toBe('waiting-step');
      await expect.poll(() => page.getByTestId('presentation-step').textContent()).toMatch(new RegExp(`^Step ${n < 8 ? n + 1 : 8} of 8`));
      await screenshot(page, `presentation-step-${n}`);
      if (n >= 5 && n <= 7) {
        // Checkpointed, but the mirror is still loaded (dmsetup status: 64/64): the grid stays full.
        expect(await page.getByTestId('move-regions').textContent()).toBe('64 / 64');
        expect(await paintedPixels(page)).toBeGreaterThan(0);
        // vg0-lv0-orig is marked at step 6 and stays until step 8's resume drops it.
        expect(await page.getByTestId('move-diagram').textContent()).toContain('vg0-lv0-orig');
        expect((await page.getByTestId('move-diagram').textContent())!.includes('DEFERRED REMOVE')).toBe(n >= 6);
      }
      if (n === 4) {
        expect(await mirrorTargets(page)).toBe(1);
        const svg = await download(page, () => page.keyboard.press('e'));
        expect(svg.name).toMatch(/^lvmscope-vg0-lv0-step5\.svg$/);
        const texts = svgTexts(svg.text);
        expect(texts).toContain('vg0-lv0-orig');
        expect(texts).toContain('mirror');
        // ← twice: step 3's state (the mirror table is loaded but not live yet); → twice: live.
        await page.keyboard.press('ArrowLeft');
        await expect.poll(() => page.getByTestId('presentation-history').textContent()).toMatch(/^replaying step 4/);
        expect(await mirrorTargets(page)).toBe(1);
        await page.keyboard.press('ArrowLeft');
        await expect.poll(() => page.getByTestId('presentation-history').textContent()).toMatch(/^replaying step 3/);
        expect(await mirrorTargets(page)).toBe(0);
        expect(await loadedMirrorTargets(page)).toBe(1);
        expect(await page.getByTestId('step-4').getAttribute('data-state')).not.toBe('done');
        await screenshot(page, 'presentation-back-to-step-3');
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('ArrowRight');
        await expect.poll(() => page.getByTestId('presentation-history').textContent()).toBe('live');
        expect(await mirrorTargets(page)).toBe(1);
        expect(await stepState(page, 5)).toBe('waiting'); // → in the history did not run a step
      }
    }
    await expect.poll(() => page.getByTestId('presentation-status').textContent(), { timeout: 30_000 }).toBe('done');
    expect(await page.getByTestId('move-regions').textContent()).toBe('64 / 64');
    const after = svgTexts((await download(page, () => page.keyboard.press('e'))).text);
    expect(after.some((t) => t.includes('-orig'))).toBe(false);
    expect(after).not.toContain('mirror');
    expect(after).toContain('vg0-lv0');

    const transcript = await download(page, () => page.getByTestId('pres-export-md').click());
    expect(transcript.name).toMatch(/\.md$/);
    // Each of the eight steps by its place, name, LV, id and state: `### 4. Resume and copy — lv0 (`lv0/copy`, done)`.
    const ids = ['suspend', 'create-temp', 'load-mirror', 'copy', 'suspend-copied', 'remove-temp', 'commit', 'final-table'];
    ids.forEach((id, i) => expect(transcript.text).toMatch(new RegExp(`^### ${i + 1}\\. .* — lv0 \\(\`lv0/${id}\`, done\\)$`, 'm')));

    await page.keyboard.press('+');
    await expect.poll(() => page.getByTestId('presentation-toast').textContent()).toBe('copy rate 4 MiB/s');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(page, 'presentation-1080-done');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.keyboard.press('h');
    expect(await page.getByTestId('presentation-hint').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.locator('[data-testid^="pv-row-"]').first().waitFor();
    expect(await page.getByTestId('presentation').count()).toBe(0);
    expect(browser.errors).toEqual([]);
  });

  it('downloads the diagram as a PNG image', async () => {
    const { page } = ui;
    const [file] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.getByTestId('export-png').click()]);
    const bytes = await readFile((await file.path())!);
    expect(file.suggestedFilename()).toMatch(/\.png$/);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.length).toBeGreaterThan(5000);
  });
});
