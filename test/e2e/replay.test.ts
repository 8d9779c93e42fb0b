// Proves recorded moves end to end (issue 19), in Chromium against the real CLI:
//  - `lvmscope pvmove DIR pv2 pv4 --record FILE` records the seed move (with a workload) on the
//    outline stack, and the same move on the lvm2 stack into a second file;
//  - `lvmscope serve --replay FILE` serves the UI with the recording and no engine: a banner
//    says so, nothing that needs an engine is offered, and → / ← on the scrubber (a range
//    input with one tick per step) go step by step: at each step the step card running is
//    that step, and the PV maps and the diagram show what the recording's own state at that
//    step says (computed here with the same player, in Node); a click on the scrubber jumps to
//    an instant and the maps follow; presentation mode plays it with its keys (→, ←, P);
//  - two recordings compared side by side go step by step in lockstep (2002 vs today);
//  - in the live app, the move just run is saved with the export bar's Recording button (a
//    download that reads back as that move); a damaged recording opened with Open recording…
//    gets one sentence naming the line, the screen stays whole, and a good one dropped on the
//    window replays until "Back to the live engine".
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecording, type Recording } from '../../app/api/recording';
import { createAppStore } from '../../renderer/store';
import { describePvMap } from '../../renderer/geometry/extentMap';
import { ReplayPlayer } from '../../renderer/replay/player';
import { apiSocket, launchBrowser, ROOT, screenshot, stopAll, tempDir, type BrowserSession } from './helpers';
import { openUi } from './uiHelpers';

const CLI = path.join(ROOT, 'main', 'cli', 'lvmscope.mjs');

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`lvmscope ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

/** A recording of the seed move (pv2 → pv4, a workload on lv0) on `stack`. */
function recordSeedMove(stack: 'outline' | 'lvm2'): string {
  const dir = tempDir(`lvmscope-rec-${stack}-`);
  cli('demo', path.join(dir, 'ws'));
  const file = path.join(dir, `seed-${stack}.lvmrec`);
  const out = cli('pvmove', path.join(dir, 'ws'), 'pv2', 'pv4', '--stack', stack, '--rate', '2M', '--region-size', '64K', '--workload', 'randwrite:4k:100', '--record', file);
  expect(out).toContain(`Recorded into ${file}`);
  return file;
}

interface ReplayServer {
  url: string;
  stop(): Promise<void>;
}

/** `lvmscope serve --replay FILE --port 0`, its URL read from stdout. */
async function serveReplay(file: string): Promise<ReplayServer> {
  const child = spawn(process.execPath, [CLI, 'serve', '--replay', file, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += String(d);
      const m = /serving on (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve --replay exited (${code}):\n${out}\n${err}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { url, stop: async () => (child.kill('SIGTERM'), exited) };
}

/** What the recording itself says at step k (or at an instant): the views of that instant. */
function expectedAt(recording: Recording, target: { step: number } | { timeMs: number }) {
  const store = createAppStore();
  new ReplayPlayer(recording, store).seek(target);
  const s = store.getState();
  return {
    maps: Object.fromEntries((s.workspace.view?.vgs[0]?.pvs ?? []).map((pv) => [pv.name, describePvMap(pv)])),
    suspended: s.devices.list.some((d) => d.name === 'vg0-lv0' && d.state === 'SUSPENDED'),
    stack: s.move.state?.stack ?? null,
  };
}

async function shownMaps(page: Page, names: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of names) out[name] = (await page.getByTestId(`pv-map-${name}`).getAttribute('aria-label')) ?? '';
  return out;
}

/** The page shows exactly the recording's state at `target`: maps, the SUSPENDED mark, the stack. */
async function expectShown(page: Page, recording: Recording, target: { step: number } | { timeMs: number }): Promise<void> {
  const want = expectedAt(recording, target);
  await expect.poll(() => shownMaps(page, Object.keys(want.maps))).toEqual(want.maps);
  await expect.poll(() => page.getByTestId('diagram-suspended').count()).toBe(want.suspended ? 1 : 0);
  if (want.stack) expect(await page.getByTestId('move-diagram').getAttribute('data-stack')).toBe(want.stack);
}

let outlineFile: string;
let lvm2File: string;
let outline: Recording;
let replay: ReplayServer;
let browser: BrowserSession;

beforeAll(async () => {
  outlineFile = recordSeedMove('outline');
  lvm2File = recordSeedMove('lvm2');
  outline = parseRecording(readFileSync(outlineFile, 'utf8'));
  replay = await serveReplay(outlineFile);
  browser = await launchBrowser({ viewport: { width: 1500, height: 1000 } });
}, 300_000);
afterAll(async () => {
  await replay?.stop();
  await stopAll();
});

describe('a recorded move replayed in Chromium', () => {
  it('serve --replay shows it under a banner, with no engine actions, and → / ← on the scrubber step through it as recorded', async () => {
    const page = browser.page;
    await page.goto(replay.url);
    await page.getByTestId('replay-banner').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('replay-banner').textContent()).toMatch(/Recording.*pvmove vg0 pv2 → pv4 \(outline\).*nothing here reaches an engine/);
    for (const absent of ['save-recording', 'replay-close', 'export-bar', 'plan-start']) expect(await page.getByTestId(absent).count(), absent).toBe(0);
    expect(await page.getByRole('button', { name: 'Open workspace…' }).count()).toBe(0);
    expect(await page.getByTestId('replay-tick').count()).toBe(outline.steps.length);
    await expectShown(page, outline, { timeMs: 0 });
    await page.getByTestId('replay-scrubber').focus();
    for (let k = 0; k < outline.steps.length; k++) {
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => page.getByTestId('replay-step').textContent()).toMatch(new RegExp(`^step ${k + 1} of ${outline.steps.length}: `));
      const card = page.locator(`[data-testid="steps"] > li[data-step-id="${outline.steps[k].stepId}"]`);
      await expect.poll(() => card.getAttribute('data-state')).toBe('running');
      await expectShown(page, outline, { step: k });
      if (outline.steps[k].stepId.endsWith('/copy') || outline.steps[k].stepId.startsWith('copy')) await screenshot(page, `replay-step-${k + 1}`);
    }
    for (let k = outline.steps.length - 2; k >= outline.steps.length - 4; k--) {
      await page.keyboard.press('ArrowLeft');
      await expect.poll(() => page.getByTestId('replay-step').textContent()).toMatch(new RegExp(`^step ${k + 1} of `));
      await expectShown(page, outline, { step: k });
    }
    // A click half way along the scrubber shows that instant.
    const box = (await page.getByTestId('replay-scrubber').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const timeMs = Number(await page.getByTestId('replay-scrubber').inputValue());
    expect(timeMs).toBeGreaterThan(outline.durationMs * 0.3);
    expect(timeMs).toBeLessThan(outline.durationMs * 0.7);
    await expectShown(page, outline, { timeMs });
    await screenshot(page, 'replay-half-way');
    expect(browser.errors).toEqual([]);
  }, 180_000);

  it('presentation mode plays the recording with its keys: → and ← step, P plays and pauses', async () => {
    const page = browser.page;
    await page.getByTestId('replay-scrubber').focus();
    await page.keyboard.press('Home');
    await page.locator('body').focus();
    await page.keyboard.press('F5');
    await page.getByTestId('presentation').waitFor();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('replay-step').textContent()).toMatch(/^step 2 of /);
    expect(await page.getByTestId('presentation-step').textContent()).toContain(outline.steps[1].name);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('replay-step').textContent()).toMatch(/^step 1 of /);
    const before = Number(await page.getByTestId('replay-scrubber').inputValue());
    await page.keyboard.press('p');
    await expect.poll(async () => Number(await page.getByTestId('replay-scrubber').inputValue()), { timeout: 10_000 }).toBeGreaterThan(before + 500);
    await page.keyboard.press('p');
    expect(await page.getByTestId('replay-play').getAttribute('aria-label')).toBe('play');
    await screenshot(page, 'replay-presentation');
    await page.keyboard.press('Escape');
    await page.getByTestId('replay-bar').waitFor();
    expect(browser.errors).toEqual([]);
  }, 120_000);

  it('compares the outline and the lvm2 recordings side by side, step by step in lockstep', async () => {
    const page = browser.page;
    const lvm2 = parseRecording(readFileSync(lvm2File, 'utf8'));
    await page.getByTestId('replay-compare-file').setInputFiles(lvm2File);
    await page.getByTestId('side-by-side').waitFor();
    expect(await page.getByTestId('sbs-left').getByTestId('sbs-stack').textContent()).toBe('2002 outline');
    await page.getByTestId('replay-scrubber').focus();
    await page.keyboard.press('Home');
    for (let k = 0; k < 4; k++) {
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => page.getByTestId('sbs-left').getByTestId('sbs-step').textContent()).toContain(outline.steps[k].name);
      await expect.poll(() => page.getByTestId('sbs-right').getByTestId('sbs-step').textContent()).toContain(lvm2.steps[k].name);
    }
    expect(await page.getByTestId('sbs-right').getByTestId('sbs-stack').textContent()).toBe('LVM2 today (pvmove0)');
    expect(await page.getByTestId('sbs-right').getByTestId('move-diagram').getAttribute('data-stack')).toBe('lvm2');
    await screenshot(page, 'replay-side-by-side');
    await page.getByTestId('sbs-close').click();
    await page.getByTestId('replay-banner').waitFor();
    expect(browser.errors).toEqual([]);
  }, 120_000);
});

describe('recordings in the live app', () => {
  it('saves the move just run as a recording that reads back as that move', async () => {
    const ui = await openUi(tempDir('lvmscope-replay-save-'));
    const page = ui.page;
    const api = await apiSocket(ui.server.origin, ui.server.token);
    await api.call('move.start', { request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'] }, options: { rateBytesPerSec: 0 } });
    await expect.poll(async () => ((await api.call('move.recording', {})) as { complete: boolean }).complete, { timeout: 60_000 }).toBe(true);
    api.close();
    const button = page.getByTestId('save-recording');
    await expect.poll(() => button.isEnabled()).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toMatch(/^lvmscope-move-\d+\.lvmrec$/);
    const saved = parseRecording(readFileSync((await download.path())!, 'utf8'));
    expect(saved.header.move).toMatchObject({ kind: 'start', request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'] } });
    expect(saved.steps.map((s) => s.name)).toContain('Resume and copy');
    expect(ui.browser.errors).toEqual([]);
  }, 120_000);

  it('refuses a damaged recording with a sentence naming the line and keeps the screen whole; a dropped one replays until Back to the live engine', async () => {
    const ui = await openUi(tempDir('lvmscope-replay-live-'));
    const page = ui.page;
    const lines = readFileSync(outlineFile, 'utf8').split('\n');
    lines[7] = lines[7].slice(0, Math.floor(lines[7].length / 2));
    const damaged = path.join(tempDir(), 'damaged.lvmrec');
    writeFileSync(damaged, lines.join('\n'));
    await page.getByTestId('open-recording-file').setInputFiles(damaged);
    await expect.poll(() => page.getByTestId('replay-error').textContent()).toMatch(/^This is not a readable lvmscope recording: line 8 is not JSON/);
    expect(await page.getByTestId('replay-banner').count()).toBe(0);
    expect(await page.locator('[data-testid^="pv-map-"]').count()).toBeGreaterThanOrEqual(4);
    await screenshot(page, 'replay-damaged');
    // Drop the good file on the window, as a user drags it from a file manager.
    const text = readFileSync(outlineFile, 'utf8');
    await page.evaluate((content) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], 'seed-outline.lvmrec'));
      for (const type of ['dragenter', 'dragover', 'drop']) window.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, text);
    await page.getByTestId('replay-banner').waitFor();
    expect(await page.getByTestId('save-recording').count()).toBe(0);
    await page.getByTestId('replay-scrubber').focus();
    await page.keyboard.press('End');
    await expectShown(page, outline, { timeMs: outline.durationMs });
    await page.getByTestId('replay-close').click();
    await expect.poll(() => page.getByTestId('replay-banner').count()).toBe(0);
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('open');
    // The live workspace is shown again: the seed demo, lv0 still on pv2.
    await expect.poll(() => page.getByTestId('pv-map-pv2').getAttribute('aria-label')).toMatch(/lv0/);
    expect(ui.browser.errors).toEqual([]);
  }, 180_000);
});
