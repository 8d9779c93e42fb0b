// The list of recently opened workspaces (File ▸ Open recent), newest first, without
// duplicates, at most MAX_RECENT entries, kept as JSON in the user-data folder.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const MAX_RECENT = 8;
export const RECENT_FILE = 'recent-workspaces.json';

const RecentFile = z.object({ workspaces: z.array(z.string().min(1)) });

/** Puts `folder` first, drops its older copy, keeps at most MAX_RECENT entries. */
export function addRecent(list: readonly string[], folder: string): string[] {
  const normalized = path.resolve(folder);
  return [normalized, ...list.filter((p) => p !== normalized)].slice(0, MAX_RECENT);
}

export function loadRecent(userDataDir: string): string[] {
  try {
    const parsed = RecentFile.safeParse(JSON.parse(readFileSync(path.join(userDataDir, RECENT_FILE), 'utf8')));
    return parsed.success ? parsed.data.workspaces.slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

export function saveRecent(userDataDir: string, list: readonly string[]): void {
  mkdirSync(userDataDir, { recursive: true });
  const file = path.join(userDataDir, RECENT_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify({ workspaces: list.slice(0, MAX_RECENT) }, null, 2));
  renameSync(`${file}.tmp`, file);
}
