// Proves the window remembers its size and position: a saved state round-trips through the
// JSON file, a missing or damaged file gives the default, and a position that is no longer
// on any display is dropped (so the window never opens off-screen) while the size is kept
// within the largest display.

import { rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_STATE, fitToDisplays, loadWindowState, saveWindowState, WINDOW_STATE_FILE } from '../../../main/electron/windowState';

const made: string[] = [];
const track = (dir: string) => (made.push(dir), dir);
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const dir = () => track(mkdtempSync(path.join(os.tmpdir(), 'lvmscope-winstate-')));
const fullHd = { x: 0, y: 0, width: 1920, height: 1080 };
const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1440 };

describe('window state', () => {
  it('saves and loads size, position and maximized flag', () => {
    const d = dir();
    saveWindowState(d, { x: 100, y: 50, width: 1000, height: 700, maximized: true });
    expect(loadWindowState(d)).toEqual({ x: 100, y: 50, width: 1000, height: 700, maximized: true });
  });

  it('falls back to the default when the file is missing, not JSON, or out of range', () => {
    const d = dir();
    expect(loadWindowState(d)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(path.join(d, WINDOW_STATE_FILE), '{not json');
    expect(loadWindowState(d)).toEqual(DEFAULT_WINDOW_STATE);
    writeFileSync(path.join(d, WINDOW_STATE_FILE), JSON.stringify({ width: 10, height: 10 }));
    expect(loadWindowState(d)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('keeps a position that lies on a connected display', () => {
    const s = { x: 2000, y: 100, width: 1200, height: 800, maximized: false };
    expect(fitToDisplays(s, [fullHd, rightMonitor])).toEqual(s);
  });

  it('drops a position on a display that is gone and shrinks the size to the largest display', () => {
    const s = { x: 2000, y: 100, width: 2400, height: 1300, maximized: false };
    expect(fitToDisplays(s, [fullHd])).toEqual({ width: 1920, height: 1080, maximized: false });
  });
});
