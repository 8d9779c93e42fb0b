// Proves `npm start` without the Electron runtime prints what to do — install the runtime
// with network, or use `npm run serve` — and exits 1 without a stack trace. It runs the real
// start.mjs in a child Node process with ELECTRON_OVERRIDE_DIST_PATH pointing at an empty
// folder, so the runtime is missing even on a machine that has it installed.

import { spawnSync } from 'node:child_process';
import { rmSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const made: string[] = [];
const track = (dir: string) => (made.push(dir), dir);
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const ROOT = path.resolve(__dirname, '../../..');

describe('npm start without the Electron runtime', () => {
  it('explains how to get the runtime or use browser mode, and exits 1 without a stack trace', () => {
    const empty = track(mkdtempSync(path.join(os.tmpdir(), 'lvmscope-no-electron-')));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'main/electron/start.mjs')], {
      cwd: ROOT,
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the Electron runtime is not installed');
    expect(r.stderr).toContain('node node_modules/electron/install.js');
    expect(r.stderr).toContain('npm install');
    expect(r.stderr).toContain('npm run serve');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toMatch(/Error:/);
    expect(r.stdout).toBe('');
  });
});
