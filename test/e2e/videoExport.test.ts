// Proves the video export end to end in Chromium, against the real engine in browser mode:
// the seed move (lv0's pv2 segment onto pv4) runs live, then Export → Video… makes a WebM of
// the move from the engine's recording of it, frame by frame; a real decoder (Debian's
// ffprobe / ffmpeg) reads it: VP9 at the chosen 1280×720, lasting what the dialog promised
// (frames / 30 fps); frames taken from the start, the middle and the end differ (the mirror
// fills), and a frame's caption band holds the burned-in narration (dark band, white text
// pixels); the WebVTT file next to it starts with the first step. A GIF at 4× of the live
// diagram (as the window saw it) is checked the same way. The same recording opened as a file
// gives the same GIF byte for byte (frames do not depend on the machine's speed); a broken
// file gets a sentence. The dialog is a keyboard modal. Cancel stops a long export and
// nothing is downloaded. With BENCH=1 (npm run bench video) the export times
// at 1280×720 and 1920×1080 go to bench/results/video.md. Frames: test-results/e2e/video-*.png.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { apiSocket, ROOT, SCREENSHOT_DIR, screenshot, stopAll, tempDir } from './helpers';
import { openUi, planByKeys, type UiSession } from './uiHelpers';

let ui: UiSession;
let out: string;
/** Seconds the seed move took in the live window (the baseline of the bench figures). */
let moveSeconds = 0;
const downloads: Download[] = [];
const timings: Array<{ source: string; format: string; size: string; speed: number; frames: number; videoSeconds: number; exportSeconds: number; bytes: number }> = [];

beforeAll(async () => {
  ui = await openUi(tempDir('lvmscope-video-ui-'));
  out = tempDir('lvmscope-video-out-');
  ui.page.on('download', (d) => downloads.push(d));
});
afterAll(async () => {
  if (process.env.BENCH === '1' && timings.length > 0) writeBench();
  await stopAll();
});

function showLogsOnFailure(): void {
  onTestFailed(() => {
    console.error(`--- lvmscope serve stderr ---\n${ui.server.stderr()}`);
    console.error(`--- page errors ---\n${ui.browser.errors.join('\n')}`);
  });
}

interface Probe {
  streams: Array<{ codec_name: string; width?: number; height?: number }>;
  format: { duration: string };
}

function ffprobe(file: string): Probe {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height,codec_name:format=duration', '-of', 'json', file], { encoding: 'utf8' })) as Probe;
}

/** The frame at `seconds` (or the last frame) as RGB bytes, and saved as a PNG to look at. */
function frameAt(file: string, seconds: number | 'last', name: string, size: { width: number; height: number }): Buffer {
  const png = path.join(SCREENSHOT_DIR, `${name}.png`);
  // The last frame: every frame decoded into the same PNG (a GIF's merged end frame starts well before its end).
  const args = seconds === 'last' ? ['-i', file, '-update', '1', png] : ['-ss', String(seconds), '-i', file, '-frames:v', '1', png];
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
  const rgb = execFileSync('ffmpeg', ['-v', 'error', '-i', png, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 * 1024 * 1024 });
  expect(rgb.length).toBe(size.width * size.height * 3);
  return rgb;
}

/** Pixels that differ by more than a codec's noise between two frames, as a share of all. */
function changedShare(a: Buffer, b: Buffer): number {
  let changed = 0;
  for (let i = 0; i < a.length; i += 3) if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 60) changed += 1;
  return changed / (a.length / 3);
}

/** In the bottom `bandPx` rows: the share of dark pixels (the caption band, rgb ≈ 45 51 64) and of near-white ones (its text). */
function captionBand(rgb: Buffer, size: { width: number; height: number }, bandPx: number): { dark: number; white: number } {
  let dark = 0;
  let white = 0;
  const start = (size.height - bandPx) * size.width * 3;
  for (let i = start; i < rgb.length; i += 3) {
    const sum = rgb[i] + rgb[i + 1] + rgb[i + 2];
    if (sum < 250) dark += 1;
    if (sum > 690) white += 1;
  }
  const n = bandPx * size.width;
  return { dark: dark / n, white: white / n };
}

async function openVideoDialog(page: Page): Promise<void> {
  if ((await page.getByTestId('video-dialog').count()) === 0) await page.getByTestId('export-video').click();
  await page.getByTestId('video-dialog').waitFor();
}

/** Exports with the dialog's choices and saves every file the export downloads; returns their paths and the promised length. */
async function exportWith(page: Page, choice: { source: 'recording' | 'live' | 'file'; format: 'webm' | 'gif'; size: string; speed: number; burn: boolean; vtt: boolean }): Promise<{ files: string[]; promisedSeconds: number; frames: number }> {
  await openVideoDialog(page);
  await page.getByTestId(`video-source-${choice.source}`).check();
  await page.getByTestId(`video-format-${choice.format}`).check();
  await page.getByTestId(`video-size-${choice.size}`).check();
  await page.getByTestId(`video-speed-${choice.speed}`).check();
  await page.getByTestId('video-burn-captions').setChecked(choice.burn);
  await page.getByTestId('video-vtt').setChecked(choice.vtt);
  const summary = (await page.getByTestId('video-summary').textContent()) ?? '';
  const m = /→ ([\d.]+) s of video, (\d+) frames/.exec(summary);
  expect(m, summary).not.toBeNull();
  const before = downloads.length;
  const started = Date.now();
  await page.getByTestId('video-export').click();
  await expect.poll(() => page.getByTestId('video-status').textContent(), { timeout: 170_000, interval: 500 }).toMatch(/^(Saved|The video could not)/);
  const exportSeconds = (Date.now() - started) / 1000;
  expect(await page.getByTestId('video-status').textContent()).toMatch(/^Saved/);
  const wanted = choice.vtt ? 2 : 1;
  await expect.poll(() => downloads.length - before).toBe(wanted);
  const files: string[] = [];
  for (const d of downloads.slice(before)) {
    const file = path.join(out, d.suggestedFilename());
    await d.saveAs(file);
    files.push(file);
  }
  const frames = Number(m![2]);
  timings.push({ source: choice.source, format: choice.format, size: choice.size, speed: choice.speed, frames, videoSeconds: Number(m![1]), exportSeconds, bytes: readFileSync(files.find((f) => !f.endsWith('.vtt'))!).length });
  return { files, promisedSeconds: Number(m![1]), frames };
}

describe('exporting the seed move as a video', () => {
  it('runs the seed move live (pv2 onto pv4) so the diagram has a move to export', async () => {
    showLogsOnFailure();
    const { page } = ui;
    await page.getByTestId('rate-custom').check();
    await page.getByLabel('custom rate in KiB/s').fill('1024');
    await planByKeys(page, 'pv2', 'pv4');
    const started = Date.now();
    await page.getByTestId('plan-start').click();
    await expect.poll(() => page.getByTestId('move-status').textContent(), { timeout: 60_000 }).toBe('done');
    moveSeconds = (Date.now() - started) / 1000;
    await expect.poll(() => page.getByTestId('lv-row-lv0').textContent()).toContain('pv1 | pv4 | pv3');
  });

  it('makes a 1280×720 VP9 WebM of the recorded move lasting what the dialog promised, whose frames change over the move and carry the caption', async () => {
    showLogsOnFailure();
    const { page } = ui;
    const size = { width: 1280, height: 720 };
    await openVideoDialog(page);
    // The engine's recording of the move is read and chosen by default.
    await expect.poll(() => page.getByTestId('video-source-recording-text').textContent()).toMatch(/^The recording of the last move: pvmove vg0 pv2 → pv4 \(outline\), 0:\d\d\.\d\.$/);
    expect(await page.getByTestId('video-source-recording').isChecked()).toBe(true);
    const { files, promisedSeconds } = await exportWith(page, { source: 'recording', format: 'webm', size: '1280x720', speed: 1, burn: true, vtt: true });
    await screenshot(page, 'video-1-dialog-saved');
    const webm = files.find((f) => f.endsWith('.webm'))!;
    expect(path.basename(webm)).toMatch(/^lvmscope-vg0-lv0-move\d+-1280x720-1x\.webm$/);
    const probe = ffprobe(webm);
    expect(probe.streams[0]).toMatchObject({ codec_name: 'vp9', width: 1280, height: 720 });
    expect(Math.abs(Number(probe.format.duration) - promisedSeconds)).toBeLessThan(0.1);
    // The seed move at 1 MiB/s takes a few seconds: the video is that long, plus the lead-in and the held end.
    expect(promisedSeconds).toBeGreaterThan(3);
    const start = frameAt(webm, 0.2, 'video-2-webm-start', size);
    const middle = frameAt(webm, promisedSeconds / 2, 'video-3-webm-middle', size);
    const end = frameAt(webm, 'last', 'video-4-webm-end', size);
    expect(changedShare(start, middle)).toBeGreaterThan(0.002);
    expect(changedShare(middle, end)).toBeGreaterThan(0.002);
    // The caption band (three lines of 30 px + 24 px at 1280 wide) is dark with white text while a step is narrated.
    const band = captionBand(middle, size, 110);
    expect(band.dark).toBeGreaterThan(0.5);
    expect(band.white).toBeGreaterThan(0.01);
    const vtt = readFileSync(files.find((f) => f.endsWith('.vtt'))!, 'utf8');
    expect(vtt).toMatch(/^WEBVTT\n\n1\n00:00:\d\d\.\d{3} --> 00:00:\d\d\.\d{3}\nStep 1 of 8 · Suspend/);
    expect(vtt).toContain('Step 8 of 8');
  });

  it('makes an animated GIF at 4× of the live diagram as the window saw the move, 1280×720', async () => {
    showLogsOnFailure();
    const { page } = ui;
    const size = { width: 1280, height: 720 };
    const { files, promisedSeconds } = await exportWith(page, { source: 'live', format: 'gif', size: '1280x720', speed: 4, burn: false, vtt: false });
    const gif = files[0];
    expect(path.basename(gif)).toMatch(/-1280x720-4x\.gif$/);
    const probe = ffprobe(gif);
    expect(probe.streams[0]).toMatchObject({ codec_name: 'gif', width: 1280, height: 720 });
    expect(Math.abs(Number(probe.format.duration) - promisedSeconds)).toBeLessThan(0.15);
    const first = frameAt(gif, 0, 'video-5-gif-start', size);
    const last = frameAt(gif, 'last', 'video-6-gif-end', size);
    expect(changedShare(first, last)).toBeGreaterThan(0.002);
    // No captions were asked for: the bottom of the frame is the panel's background, not a dark band.
    expect(captionBand(last, size, 110).dark).toBeLessThan(0.05);
  });

  it('makes the same GIF byte for byte from the recording saved as a file (frames never depend on how fast the machine draws)', async () => {
    showLogsOnFailure();
    const { page } = ui;
    const api = await apiSocket(ui.server.origin, ui.server.token);
    const saved = (await api.call('move.recording', {})) as { text: string; fileName: string };
    api.close();
    const recordingFile = path.join(out, saved.fileName);
    writeFileSync(recordingFile, saved.text);
    const a = await exportWith(page, { source: 'recording', format: 'gif', size: '1280x720', speed: 8, burn: true, vtt: false });
    await page.getByTestId('video-source-file-input').setInputFiles(recordingFile);
    await expect.poll(() => page.getByTestId('video-source-file-text').textContent()).toMatch(/^The recording lvmscope-move-\d+\.lvmrec: pvmove vg0 pv2/);
    const b = await exportWith(page, { source: 'file', format: 'gif', size: '1280x720', speed: 8, burn: true, vtt: false });
    expect(readFileSync(a.files[0]).equals(readFileSync(b.files[0]))).toBe(true);
  });

  it('says in a sentence why a file that is not a recording cannot be exported, and offers no Export', async () => {
    showLogsOnFailure();
    const { page } = ui;
    const junk = path.join(out, 'notes.lvmrec');
    writeFileSync(junk, 'this is not a recording\n');
    await openVideoDialog(page);
    await page.getByTestId('video-source-file-input').setInputFiles(junk);
    await expect.poll(() => page.getByTestId('video-source-file-text').textContent()).toMatch(/line 1/i);
    expect(await page.getByTestId('video-summary').textContent()).toMatch(/line 1/i);
    expect(await page.getByTestId('video-export').isDisabled()).toBe(true);
    await screenshot(page, 'video-8-bad-file');
    await page.getByTestId('video-source-recording').check();
    expect(await page.getByTestId('video-export').isEnabled()).toBe(true);
  });

  it('opens from the keyboard as a modal: focus inside, Tab stays inside, Escape closes and gives the focus back', async () => {
    showLogsOnFailure();
    const { page } = ui;
    if ((await page.getByTestId('video-dialog').count()) > 0) await page.getByTestId('video-cancel').click();
    await page.getByTestId('export-video').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('video-dialog').waitFor();
    const insideDialog = () => page.evaluate(() => document.activeElement?.closest('[data-testid="video-dialog"]') !== null);
    expect(await insideDialog()).toBe(true);
    for (let i = 0; i < 16; i += 1) {
      await page.keyboard.press('Tab');
      expect(await insideDialog()).toBe(true);
    }
    // The smallest text in the dialog is 12 px or more.
    const smallest = await page.getByTestId('video-dialog').evaluate((d) => Math.min(...[...d.querySelectorAll('*')].filter((e) => (e.textContent ?? '').trim() !== '').map((e) => parseFloat(getComputedStyle(e).fontSize))));
    expect(smallest).toBeGreaterThanOrEqual(12);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('video-dialog').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('export-video');
  });

  it('stops a long export on Cancel and downloads nothing', async () => {
    showLogsOnFailure();
    const { page } = ui;
    await openVideoDialog(page);
    await page.getByTestId('video-format-webm').check();
    await page.getByTestId('video-size-1920x1080').check();
    await page.getByTestId('video-speed-0.5').check();
    const before = downloads.length;
    await page.getByTestId('video-export').click();
    await expect.poll(() => page.getByTestId('video-progress').getAttribute('value')).toMatch(/^[1-9]/);
    await screenshot(page, 'video-7-progress');
    await page.getByTestId('video-cancel').click();
    // Cancelled (after the frame being drawn and encoded, which can take a second or more on a busy
    // 2-core machine at 1920×1080): the dialog is back to its choices, Export enabled, no progress bar.
    await expect.poll(() => page.getByTestId('video-export').isEnabled(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByTestId('video-progress').count()).toBe(0);
    expect(await page.getByTestId('video-status').count()).toBe(0);
    expect(downloads.length).toBe(before);
    // The off-screen diagram the frames were drawn from is gone.
    expect(await page.locator('[data-testid="video-frame-host"]').count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('video-dialog').count()).toBe(0);
  });

  it('records the export times at both sizes (BENCH=1 writes bench/results/video.md)', async () => {
    showLogsOnFailure();
    if (process.env.BENCH !== '1') return;
    await exportWith(ui.page, { source: 'recording', format: 'webm', size: '1920x1080', speed: 1, burn: true, vtt: false });
    await exportWith(ui.page, { source: 'live', format: 'gif', size: '1920x1080', speed: 4, burn: false, vtt: false });
    expect(new Set(timings.map((t) => t.size))).toEqual(new Set(['1280x720', '1920x1080']));
  });
});

function writeBench(): void {
  const rows = timings.map((t) => `| ${t.source} | ${t.format} | ${t.size} | ${t.speed}× | ${t.frames} | ${t.videoSeconds.toFixed(1)} s | ${t.exportSeconds.toFixed(1)} s | ${(t.exportSeconds / moveSeconds).toFixed(2)} | ${(t.exportSeconds / t.videoSeconds).toFixed(2)} | ${(t.bytes / 1024).toFixed(0)} KiB |`);
  const text = `# Video export (issue 19)

Command: \`npm run bench video\` (runs \`BENCH=1 npx vitest run --project e2e test/e2e/videoExport.test.ts\`): browser mode,
headless Debian Chromium (--disable-gpu, so WebCodecs encodes in software), ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'},
load average ${os.loadavg()[0].toFixed(1)} at the end (the machine is shared: absolute times vary from run to run, the ratios less).

The seed move (lv0's 4 MiB pv2 segment onto pv4 at 1 MiB/s) ran live in ${moveSeconds.toFixed(1)} s; the video of it is made
frame by frame afterwards, from the engine's recording (replayed) or from the window's live timeline. Baseline: the move's own duration in the same run
(export ÷ move < 1 means the video is ready sooner than watching the move again would take).

| source | format | size | speed | frames | video | export time | export ÷ move | export ÷ video | file |
|---|---|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

Measured ${new Date().toISOString().slice(0, 10)}.
`;
  writeFileSync(path.join(ROOT, 'bench', 'results', 'video.md'), text);
}
