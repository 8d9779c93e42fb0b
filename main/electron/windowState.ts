// The window's size and position, remembered across runs in a small JSON file in the
// user-data folder. A saved position is used only if it is still on a connected display
// (a laptop unplugged from its monitor must not open the window off-screen).

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(16384),
  height: z.number().int().min(300).max(16384),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowState>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 800, maximized: false };
export const WINDOW_STATE_FILE = 'window-state.json';

/** Reads the saved state; a missing or damaged file gives the default (never throws). */
export function loadWindowState(userDataDir: string): WindowState {
  try {
    const raw: unknown = JSON.parse(readFileSync(path.join(userDataDir, WINDOW_STATE_FILE), 'utf8'));
    const parsed = WindowState.safeParse(raw);
    return parsed.success ? parsed.data : { ...DEFAULT_WINDOW_STATE };
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
}

/** Writes atomically (temp file + rename) so a crash mid-write leaves the old state. */
export function saveWindowState(userDataDir: string, state: WindowState): void {
  mkdirSync(userDataDir, { recursive: true });
  const file = path.join(userDataDir, WINDOW_STATE_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(WindowState.parse(state), null, 2));
  renameSync(`${file}.tmp`, file);
}

/**
 * Keeps the saved size (shrunk to the largest display if needed) and the saved position
 * only if the window's top-left 100×100 px lies on one of the displays' work areas.
 */
export function fitToDisplays(state: WindowState, workAreas: Rect[]): WindowState {
  const largest = workAreas.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a), workAreas[0] ?? { x: 0, y: 0, width: state.width, height: state.height });
  const width = Math.min(state.width, largest.width);
  const height = Math.min(state.height, largest.height);
  const { x, y } = state;
  const visible = x !== undefined && y !== undefined && workAreas.some((a) => x >= a.x && y >= a.y && x + 100 <= a.x + a.width && y + 100 <= a.y + a.height);
  return visible ? { x, y, width, height, maximized: state.maximized } : { width, height, maximized: state.maximized };
}
