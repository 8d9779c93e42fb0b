// Proves the recent-workspaces list: newest first, no duplicates (paths normalized), at most
// MAX_RECENT entries, and persisted to JSON with a damaged file read as empty.

import { rmSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addRecent, loadRecent, MAX_RECENT, RECENT_FILE, saveRecent } from '../../../main/electron/recent';

const made: string[] = [];
const track = (dir: string) => (made.push(dir), dir);
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('recent workspaces', () => {
  it('puts the newest first and moves a reopened folder to the front without duplicating it', () => {
    let list = addRecent([], '/w/a');
    list = addRecent(list, '/w/b');
    list = addRecent(list, '/w/a/'); // same folder, written differently
    expect(list).toEqual(['/w/a', '/w/b']);
  });

  it('keeps at most MAX_RECENT entries, dropping the oldest', () => {
    let list: string[] = [];
    for (let i = 0; i < MAX_RECENT + 3; i++) list = addRecent(list, `/w/${i}`);
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]).toBe(`/w/${MAX_RECENT + 2}`);
    expect(list).not.toContain('/w/0');
  });

  it('persists the list and reads a damaged file as empty', () => {
    const d = track(mkdtempSync(path.join(os.tmpdir(), 'lvmscope-recent-')));
    saveRecent(d, ['/w/x', '/w/y']);
    expect(loadRecent(d)).toEqual(['/w/x', '/w/y']);
    writeFileSync(path.join(d, RECENT_FILE), '[1,2,3]');
    expect(loadRecent(d)).toEqual([]);
  });
});
