// Proves every move can be made without a mouse (WCAG 2.2 AA, issue 16), in Chromium at
// 1280×720 against browser mode and the real engine, pressing keys only (no page.mouse, no
// click, no focus() call: Tab reaches everything): the seed move (lv0's pv2 segment onto pv4)
// through the Move to… menu (arrows, Home/End, Escape gives the focus back) and the plan
// dialog (a modal: Start has the focus, Tab stays inside, Escape cancels) to done; a PE range
// that starts inside a run (Shift+arrows, the ruler shows its exact span and count) moved onto
// another PV, with the layout read back from the maps; presentation mode entered with F5, a
// move started with M's picker, stepped with Space / →, replayed with ←, left with Escape.
// And two mouse tests: Escape during a mouse drag cancels it and nothing moves; Shift+press and
// drag, then Shift+click, pick a PE range from inside a run (the visible hint says how). On a
// second workspace (two 4096-extent PVs, an LV with a 60-character name): the long name stays
// in its column, and Page Down / Shift+End walk and select thousands of extents.
// Screenshots: test-results/e2e/keyboard-*.png (the ruler, the menu, the dialog, the picker).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { SeededRandom } from '../../app/base/clock';
import { KiB, MiB } from '../../app/base/units';
import { lvcreate } from '../../app/lvm/commands/lvCommands';
import { pvcreate } from '../../app/lvm/commands/pvCommands';
import { vgcreate } from '../../app/lvm/commands/vgCommands';
import { LvmWorkspace } from '../../app/lvm/workspace/workspace';
import { nodeClock as clock } from '../../main/host';
import { FolderWorkspaceStorage } from '../../main/node/fileStorage';
import { screenshot, SCREENSHOT_DIR, stopAll, tempDir } from './helpers';
import { openUi, stepStates, type UiSession } from './uiHelpers';

let ui: UiSession;

beforeAll(async () => {
  ui = await openUi(tempDir('lvmscope-keyboard-ui-'), { width: 1280, height: 720 });
});
afterAll(stopAll);

function showLogsOnFailure(): void {
  onTestFailed(() => {
    console.error(`--- lvmscope serve stderr ---\n${ui.server.stderr()}`);
    console.error(`--- page errors ---\n${ui.browser.errors.join('\n')}`);
  });
}

/** The focused element's test id (or its tag and text when it has none). */
const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement;
  return el?.getAttribute('data-testid') ?? `${el?.tagName.toLowerCase()}:${(el?.textContent ?? '').trim().slice(0, 40)}`;
});

/**
 * Presses Tab (or Shift+Tab) until the focused element matches `selector` (and, when given,
 * its label or text contains `text`); returns how many presses it took, or fails after `max`.
 */
async function tabTo(page: Page, selector: string, options: { text?: string; backwards?: boolean; max?: number } = {}): Promise<number> {
  const max = options.max ?? 80;
  for (let n = 1; n <= max; n += 1) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    const hit = await page.evaluate(({ selector, text }) => {
      const el = document.activeElement;
      if (!el?.matches(selector)) return false;
      return !text || (el.closest('label')?.textContent ?? el.textContent ?? '').includes(text);
    }, { selector, text: options.text });
    if (hit) return n;
  }
  throw new Error(`${selector}${options.text ? ` (${options.text})` : ''} was not reached in ${max} presses of ${options.backwards ? 'Shift+Tab' : 'Tab'}; the focus is on ${await focused(page)}`);
}

/** The runs of `lv` drawn on a PV map, as `start+count`. */
const lvRuns = (page: Page, pv: string, lv: string) =>
  page.locator(`[data-testid="pv-map-${pv}"] rect.run[data-lv="${lv}"]`).evaluateAll((els) => els.map((e) => `${e.getAttribute('data-start-pe')}+${e.getAttribute('data-count')}`));

/** Chooses the Move to… item for `pv` with the arrow keys once its verdict says yes; fails if it is never reached. */
async function chooseInMenu(page: Page, pv: string): Promise<void> {
  await expect.poll(() => page.getByRole('menuitem', { name: new RegExp(`^${pv} yes`) }).count(), { timeout: 10_000 }).toBe(1);
  await page.keyboard.press('Home');
  for (let n = 0; n < 8 && !(await focused(page)).startsWith(`button:${pv} `); n += 1) await page.keyboard.press('ArrowDown');
  expect(await focused(page)).toMatch(new RegExp(`^button:${pv} yes`));
  await page.keyboard.press('Enter');
}

/** Runs the open plan dialog's Start with Enter (it has the focus) and waits for the move to end. */
async function startAndFinish(page: Page): Promise<void> {
  await page.getByTestId('plan-dialog').waitFor();
  await expect.poll(() => focused(page)).toBe('plan-start');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('move-status').textContent(), { timeout: 60_000 }).toBe('done');
}

describe('the keyboard alone', () => {
  it('cancels a mouse drag with Escape: no plan, no verdict left, the selection as before, nothing moves', async () => {
    showLogsOnFailure();
    const { page } = ui;
    const from = (await page.getByTestId('lv-seg-lv0-pv2').boundingBox())!;
    const to = (await page.getByTestId('pv-map-pv4').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
    await expect.poll(() => page.getByTestId('drop-verdict-pv4').textContent(), { timeout: 10_000 }).toMatch(/^yes/);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('drag-label').count()).toBe(0);
    expect(await page.getByTestId('drop-verdict-pv4').textContent()).toBe('');
    expect(await page.getByTestId('selection').textContent()).toBe('nothing selected'); // as before the drag
    await page.mouse.up();
    // The release after a cancel is ignored: no dialog, no move, lv0 where it was.
    expect(await page.getByTestId('plan-dialog').count()).toBe(0);
    expect(await page.getByTestId('move-status').textContent()).toBe('idle');
    expect(await page.getByTestId('lv-row-lv0').textContent()).toContain('pv1 | pv2 | pv3');
    await page.mouse.move(5, 5);
  });

  it('picks a PE range with the mouse from inside a run: Shift+press and drag across extents, then Shift+click extends it; Escape undoes a Shift+drag', async () => {
    showLogsOnFailure();
    const { page } = ui;
    expect(await page.getByTestId('range-hint').textContent()).toMatch(/Shift\+click or Shift\+drag across extents/);
    const box = (await page.getByTestId('pv-map-pv1').boundingBox())!;
    const peCount = Number(await page.getByTestId('pv-keys-pv1').getAttribute('aria-valuemax')) + 1;
    const xOf = (pe: number) => box.x + ((pe + 0.5) * box.width) / peCount;
    const y = box.y + box.height / 2;
    // Escape during a Shift+drag puts back what was selected before (here: nothing).
    await page.keyboard.down('Shift');
    await page.mouse.move(xOf(2), y);
    await page.mouse.down();
    await page.mouse.move(xOf(4), y, { steps: 4 });
    expect(await page.getByTestId('selection').textContent()).toBe('pv1:2-4 (3 extents)');
    await page.keyboard.press('Escape');
    await page.mouse.up();
    expect(await page.getByTestId('selection').textContent()).toBe('nothing selected');
    await page.keyboard.up('Shift');

    await page.keyboard.down('Shift');
    await page.mouse.move(xOf(1), y);
    await page.mouse.down(); // PE 1: inside lv0's run 0-5
    await page.mouse.move(xOf(3), y, { steps: 6 });
    await page.mouse.up();
    expect(await page.getByTestId('selection').textContent()).toBe('pv1:1-3 (3 extents)');
    await page.mouse.click(xOf(8), y); // past the run's end, into free space
    await page.keyboard.up('Shift');
    expect(await page.getByTestId('selection').textContent()).toBe('pv1:1-8 (8 extents)');
    expect(await page.getByTestId('ruler-pv1-span').textContent()).toBe('PE 1–8 (8 extents)');
    expect(await page.getByTestId('drag-label').count()).toBe(0); // a range pick is not a move
    // Escape on the focused map clears the selection again.
    expect(await focused(page)).toBe('pv-keys-pv1');
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('selection').textContent()).toBe('nothing selected');
    await page.mouse.move(5, 5);
  });

  it('moves lv0’s pv2 segment onto pv4 through Move to… and the modal plan dialog, and ends as pv1 | pv4 | pv3', async () => {
    showLogsOnFailure();
    const { page } = ui;
    // The fastest rate, chosen with arrows in the radio group.
    await tabTo(page, 'input[name="rate"]');
    for (let n = 0; n < 3 && !(await page.getByTestId('rate-unlimited').isChecked()); n += 1) await page.keyboard.press('ArrowDown');
    expect(await page.getByTestId('rate-unlimited').isChecked()).toBe(true);

    await tabTo(page, '[data-testid="pv-keys-pv2"]', { backwards: true });
    expect(await page.getByTestId('ruler-pv2').count()).toBe(1);
    await page.keyboard.press('Enter'); // the run under the cursor (PE 0): lv0's segment
    expect(await page.getByTestId('selection').textContent()).toBe('lv0 on pv2:0-3');
    expect(await lvRuns(page, 'pv2', 'lv0')).toEqual(['0+4']);
    expect(await page.locator('[data-testid="pv-map-pv2"] rect.run.selected').getAttribute('data-count')).toBe('4');

    // M opens Move to… on the first item; Escape closes it and gives the focus back to the map.
    await page.keyboard.press('m');
    await expect.poll(() => focused(page)).toMatch(/^button:pv1 /);
    await page.keyboard.press('End');
    expect(await focused(page)).toMatch(/^button:pv4 /);
    await page.keyboard.press('ArrowDown'); // wraps around to the first
    expect(await focused(page)).toMatch(/^button:pv1 /);
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('move-to-menu').count()).toBe(0);
    expect(await focused(page)).toBe('pv-keys-pv2');

    await page.keyboard.press('m');
    await screenshot(page, 'keyboard-1-move-to-menu');
    await chooseInMenu(page, 'pv4');
    await page.getByTestId('plan-dialog').waitFor();
    expect(await page.getByTestId('plan-dialog').evaluate((d) => d.matches('dialog:modal'))).toBe(true);
    await expect.poll(() => focused(page)).toBe('plan-start');
    await screenshot(page, 'keyboard-2-plan-dialog');
    // Tab cycles inside the dialog (the page behind is inert).
    for (let n = 0; n < 20; n += 1) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="plan-dialog"]') !== null)).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('plan-dialog').count()).toBe(0);
    expect(await focused(page)).toBe('pv-keys-pv2');
    expect(await page.getByTestId('move-status').textContent()).toBe('idle');

    await page.keyboard.press('m');
    await chooseInMenu(page, 'pv4');
    await startAndFinish(page);
    await expect.poll(() => page.getByTestId('lv-row-lv0').textContent()).toContain('pv1 | pv4 | pv3');
    expect(await lvRuns(page, 'pv4', 'lv0')).toEqual(['0+4']);
    expect(ui.browser.errors).toEqual([]);
  });

  it('picks a PE range that starts inside a run with Shift+arrows, shows its exact span, and moves it onto pv2', async () => {
    showLogsOnFailure();
    const { page } = ui;
    await tabTo(page, '[data-testid="pv-keys-pv3"]');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight'); // PE 2, inside lv0's run 0-4
    expect(await page.getByTestId('pv-keys-pv3').getAttribute('aria-valuetext')).toMatch(/^PE 2 of \d+, lv0 LE 12/);
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    expect(await page.getByTestId('selection').textContent()).toBe('pv3:2-4 (3 extents)');
    expect(await page.getByTestId('ruler-pv3-span').textContent()).toBe('PE 2–4 (3 extents)');
    // The highlight is the span itself, not the whole run it starts in.
    expect(await page.locator('[data-testid="pv-map-pv3"] rect.run.selected').count()).toBe(0);
    const peCount = Number(await page.getByTestId('pv-keys-pv3').getAttribute('aria-valuemax')) + 1;
    const map = (await page.getByTestId('pv-map-pv3').boundingBox())!;
    const span = (await page.getByTestId('pv-map-pv3-span').boundingBox())!;
    const perPe = map.width / peCount;
    expect(Math.abs(span.x + span.width / 2 - (map.x + 3.5 * perPe))).toBeLessThan(2);
    // Within the 3 px outline: one extent is about 60 px wide here, so a run-sized box would fail.
    expect(Math.abs(span.width - 3 * perPe)).toBeLessThanOrEqual(4);
    expect(await page.getByTestId('lv-span-pv3').count()).toBe(1);
    await screenshot(page, 'keyboard-3-ruler');
    await page.locator('section.panel.vg').screenshot({ path: path.join(SCREENSHOT_DIR, 'keyboard-3-ruler-panel.png') });

    await page.keyboard.press('m');
    await chooseInMenu(page, 'pv2');
    await expect.poll(() => page.getByTestId('plan-command').textContent()).toMatch(/pvmove .*pv3:2-4.* .*pv2/);
    await startAndFinish(page);
    await expect.poll(() => page.getByTestId('lv-row-lv0').textContent()).toContain('pv1 | pv4 | pv3 | pv2');
    expect(await lvRuns(page, 'pv3', 'lv0')).toEqual(['0+2']);
    expect(await lvRuns(page, 'pv2', 'lv0')).toEqual(['0+3']);
  });

  it('runs presentation mode without a mouse: F5, M picks lv0’s pv2 extents and pv3, Space / → step, ← replays, Escape leaves', async () => {
    showLogsOnFailure();
    const { page } = ui;
    await tabTo(page, 'input[type="checkbox"]', { text: 'step mode' });
    await page.keyboard.press('Space');
    await page.keyboard.press('F5');
    await page.getByTestId('presentation').waitFor();
    expect(await page.getByTestId('presentation-hint').textContent()).toContain('M move');

    await page.keyboard.press('m');
    await page.getByTestId('presentation-picker').waitFor();
    const selected = () => page.locator('[data-testid="presentation-picker"] [role="option"][aria-selected="true"]').textContent();
    for (let n = 0; n < 12 && !(await selected())?.startsWith('lv0 on pv2:0-2'); n += 1) await page.keyboard.press('ArrowDown');
    expect(await selected()).toMatch(/^lv0 on pv2:0-2 3 extents/);
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('presentation-picker').getAttribute('data-stage')).toBe('destination');
    // Escape goes back one step, to the source chosen before; Enter comes forward again.
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('presentation-picker').getAttribute('data-stage')).toBe('source');
    expect(await selected()).toMatch(/^lv0 on pv2:0-2/);
    expect(await page.getByTestId('presentation').count()).toBe(1);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('pick-dest-pv3').textContent(), { timeout: 10_000 }).toMatch(/^pv3 yes: 3 extents land at pv3:2/);
    for (let n = 0; n < 4 && !(await selected())?.startsWith('pv3'); n += 1) await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.getByTestId('presentation-picker-plan').textContent()).toMatch(/pvmove .*pv2.* .*pv3/);
    await screenshot(page, 'keyboard-4-picker');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('presentation-picker').count()).toBe(0);
    await expect.poll(() => page.getByTestId('presentation-status').textContent(), { timeout: 10_000 }).toBe('waiting-step');

    for (let n = 1; n <= 8; n += 1) {
      await expect.poll(() => page.getByTestId('presentation-status').textContent(), { timeout: 30_000 }).toBe('waiting-step');
      await page.keyboard.press(n % 2 ? 'Space' : 'ArrowRight');
      await expect.poll(async () => (await stepStates(page))[n - 1], { timeout: 30_000 }).toBe('done');
    }
    await expect.poll(() => page.getByTestId('presentation-status').textContent(), { timeout: 30_000 }).toBe('done');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('presentation').getAttribute('data-replaying')).not.toBe('live');
    for (let n = 0; n < 10 && (await page.getByTestId('presentation').getAttribute('data-replaying')) !== 'live'; n += 1) await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('presentation').getAttribute('data-replaying')).toBe('live');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('presentation').count()).toBe(0);
    await expect.poll(() => page.getByTestId('lv-row-lv0').textContent()).toContain('pv1 | pv4 | pv3');
    expect(await page.getByTestId('lv-row-lv0').textContent()).not.toContain('pv2');
    expect(ui.browser.errors).toEqual([]);
  });
});

const LONG_NAME = 'archive_of_the_accounting_database_for_the_years_2019_to_2026';

/** Two PVs of 4096 extents (64 KiB), `LONG_NAME` and `short` on pv1 (metadata only, sparse images). */
async function buildLongNameWorkspace(dir: string): Promise<void> {
  const ws = await LvmWorkspace.open(new FolderWorkspaceStorage(dir), { holder: 'keyboard e2e', clock, random: new SeededRandom(3), hostname: os.hostname(), unixTime: () => Math.floor(Date.now() / 1000) });
  try {
    for (const image of ['pv1.img', 'pv2.img']) await pvcreate(ws, { image, sizeBytes: MiB + 4096 * 64 * KiB });
    await vgcreate(ws, { name: 'vgx', images: ['pv1.img', 'pv2.img'], extentSizeBytes: 64 * KiB });
    await lvcreate(ws, 'vgx', { name: LONG_NAME, extents: 1000, pvs: ['pv1.img'] });
    await lvcreate(ws, 'vgx', { name: 'short', extents: 500, pvs: ['pv1.img'] });
  } finally {
    await ws.close();
  }
}

describe('long names and big PVs', () => {
  let big: UiSession;
  beforeAll(async () => {
    const dir = tempDir('lvmscope-keyboard-long-');
    await buildLongNameWorkspace(dir);
    big = await openUi(dir, { width: 1280, height: 720 });
  });

  it('keeps a 60-character LV name inside its label column, cut with an ellipsis and whole in the title', async () => {
    const { page } = big;
    const row = page.getByTestId(`lv-row-${LONG_NAME}`);
    await row.waitFor();
    const name = row.locator('.lv-name');
    const nameBox = (await name.boundingBox())!;
    const barBox = (await row.locator('.lv-bar-wrap').boundingBox())!;
    expect(nameBox.x + nameBox.width).toBeLessThanOrEqual(barBox.x);
    expect(await name.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    expect(await name.getAttribute('title')).toBe(LONG_NAME);
    await page.locator('section.panel.vg').screenshot({ path: path.join(SCREENSHOT_DIR, 'keyboard-5-long-name.png') });
  });

  it('walks a 4096-extent PV run by run with Page Down and selects to its end with Shift+End', async () => {
    const { page } = big;
    await tabTo(page, '[data-testid="pv-keys-pv1"]');
    expect(await page.getByTestId('pv-keys-pv1').getAttribute('aria-valuemax')).toBe('4095');
    await page.keyboard.press('PageDown');
    expect(await page.getByTestId('pv-keys-pv1').getAttribute('aria-valuenow')).toBe('1000');
    await page.keyboard.press('ArrowLeft'); // the last extent of the long-named LV
    await page.keyboard.press('Shift+End');
    expect(await page.getByTestId('selection').textContent()).toBe('pv1:999-4095 (3097 extents)');
    expect(await page.getByTestId('ruler-pv1-span').textContent()).toBe('PE 999–4095 (3097 extents)');
    // Round numbers only: a mark per extent would be 4097 lines.
    expect(await page.locator('[data-testid="ruler-pv1"] line').count()).toBeLessThan(20);
    await page.locator('section.panel.vg').screenshot({ path: path.join(SCREENSHOT_DIR, 'keyboard-6-big-ruler.png') });
  });
});
