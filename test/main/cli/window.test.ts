// The browser fallback's choices, without starting a browser: which executable it picks
// (LVMSCOPE_BROWSER first, then Chromium-based browsers, Firefox last), when it decides there
// is no display, and the arguments that make an app window on a profile of its own. The
// window itself is tested end to end in test/e2e/firstRun.test.ts.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { browserArgs, findBrowser, hasDisplay } from '../../../main/cli/verbs/window';

const bin = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-browsers-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function fakeExecutable(name: string): string {
  const file = path.join(bin, name);
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  return file;
}

describe('findBrowser', () => {
  it('prefers a Chromium-based browser over Firefox, whatever order PATH lists them in', () => {
    const dirA = mkdtempSync(path.join(bin, 'a-'));
    const dirB = mkdtempSync(path.join(bin, 'b-'));
    writeFileSync(path.join(dirA, 'firefox'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(path.join(dirB, 'google-chrome'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findBrowser({ PATH: `${dirA}:${dirB}` })).toEqual({ kind: 'chromium', command: path.join(dirB, 'google-chrome') });
  });

  it('falls back to Firefox when it is the only browser', () => {
    const dir = mkdtempSync(path.join(bin, 'ff-'));
    writeFileSync(path.join(dir, 'firefox-esr'), '#!/bin/sh\n', { mode: 0o755 });
    expect(findBrowser({ PATH: dir })).toEqual({ kind: 'firefox', command: path.join(dir, 'firefox-esr') });
  });

  it('finds nothing on a PATH without browsers, and ignores files that are not executable', () => {
    const dir = mkdtempSync(path.join(bin, 'none-'));
    writeFileSync(path.join(dir, 'chromium'), 'not executable', { mode: 0o644 });
    expect(findBrowser({ PATH: dir })).toBeUndefined();
  });

  it('takes LVMSCOPE_BROWSER first, as a path or a name on PATH, and guesses its kind from its name', () => {
    const mine = fakeExecutable('my-firefox-build');
    expect(findBrowser({ PATH: '', LVMSCOPE_BROWSER: mine })).toEqual({ kind: 'firefox', command: mine });
    fakeExecutable('vivaldi');
    expect(findBrowser({ PATH: bin, LVMSCOPE_BROWSER: 'vivaldi' })).toEqual({ kind: 'chromium', command: path.join(bin, 'vivaldi') });
    expect(findBrowser({ PATH: bin, LVMSCOPE_BROWSER: '/nowhere/chrome' })).toBeUndefined();
  });
});

describe('hasDisplay', () => {
  it('needs DISPLAY or WAYLAND_DISPLAY on Linux, and assumes a desktop elsewhere', () => {
    expect(hasDisplay({}, 'linux')).toBe(false);
    expect(hasDisplay({ DISPLAY: ':0' }, 'linux')).toBe(true);
    expect(hasDisplay({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true);
    expect(hasDisplay({}, 'darwin')).toBe(true);
    expect(hasDisplay({}, 'win32')).toBe(true);
  });
});

describe('browserArgs', () => {
  const url = 'file:///tmp/lvmscope-launch-x/lvmscope-launch.html';

  it('opens Chromium as an app window on its own profile, without background services, and never puts a token on the command line', () => {
    const args = browserArgs({ kind: 'chromium', command: 'chromium' }, url, '/tmp/profile', false);
    expect(args).toContain(`--app=${url}`);
    expect(args).toContain('--user-data-dir=/tmp/profile');
    expect(args).toContain('--disable-background-networking');
    expect(args).not.toContain('--no-sandbox');
    expect(args.join(' ')).not.toMatch(/token=/);
  });

  it('adds --no-sandbox (and hides its warning bar) only as root, where Chromium refuses to start without it', () => {
    const args = browserArgs({ kind: 'chromium', command: 'chromium' }, url, '/tmp/profile', true);
    expect(args).toEqual(expect.arrayContaining(['--no-sandbox', '--test-type']));
  });

  it('starts Firefox as a new instance on its own profile', () => {
    expect(browserArgs({ kind: 'firefox', command: 'firefox' }, url, '/tmp/profile', false)).toEqual(['--new-instance', '--no-remote', '--profile', '/tmp/profile', url]);
  });
});
