// First run as a new user has it, on a machine that cannot reach the host Electron's runtime
// is downloaded from: a clean clone of this repository (its committed HEAD), `npm install`,
// `npm start`. The download host is made unreachable for certain with ELECTRON_MIRROR
// pointing at a closed port on 127.0.0.1, whatever network this machine has.
//
// Two installs, because npm versions differ: this machine's npm denies dependencies' install
// scripts unless package.json's allowScripts allows them (lvmscope's own postinstall then
// tries the download); older npm versions run them all, which --dangerously-allow-all-scripts
// reproduces (electron's own download fails, npm drops the optional package, lvmscope's
// postinstall puts it back for its types). Both must exit 0 with one line about the runtime.
//
// Then `npm start` under Xvfb: a window appears (xwininfo), the screen is captured for a
// person to look at (test-results/e2e/first-run-window.png), and closing the window (the X
// server drops the client, as a window manager's kill does) stops every process `npm start`
// started. Without a display, `npm start` prints the URL and serves the UI.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTools } from '../helpers/tools';
import { ROOT, SCREENSHOT_DIR, stopAll, tempDir } from './helpers';

const BLOCKED_MIRROR = 'http://127.0.0.1:9/';
const RUNTIME_LINE = /^lvmscope: the Electron runtime could not be downloaded \(.*ECONNREFUSED.*\); everything else is installed, and `npm start` opens the UI in an installed Chromium, Chrome or Firefox window instead\. To fetch it later: npm run get-electron\.$/m;

let clone = '';

/** The environment of a new user: no skip flag, the download host unreachable, a fresh home. */
function userEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_MIRROR: BLOCKED_MIRROR, XDG_CONFIG_HOME: path.join(home, '.config'), ...extra };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  // Set by vitest/npm for this test run; a user's shell has none of them.
  for (const key of Object.keys(env)) if (key.startsWith('npm_') || key === 'INIT_CWD' || key === 'VITEST' || key === 'NODE_ENV') delete env[key];
  return env;
}

function npmInstall(extraArgs: string[]) {
  rmSync(path.join(clone, 'node_modules'), { recursive: true, force: true });
  rmSync(path.join(clone, 'out'), { recursive: true, force: true });
  spawnSync('git', ['checkout', '-q', '--', '.'], { cwd: clone });
  // --prefer-offline: the npm cache is warm from the repository's own install; the point
  // here is the Electron host, not the registry.
  return spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...extraArgs], { cwd: clone, env: userEnv(clone), encoding: 'utf8', timeout: 600_000 });
}

/** Every process whose ancestry leads to `pid` (read from /proc). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we read the table.
    }
  }
  const found: number[] = [];
  const visit = (p: number) => {
    for (const [child, parent] of parents) {
      if (parent !== p || found.includes(child)) continue;
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z';
  } catch {
    return false;
  }
}

function exited(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => reject(new Error(`npm start did not exit within ${timeoutMs / 1000} s`)), timeoutMs);
    child.once('exit', (code) => (clearTimeout(timer), resolve(code)));
  });
}

/** Polls until `probe` returns a value (each poll waits for the event it looks for, never a fixed sleep before an assertion). */
async function waitFor<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Starts Xvfb on a free display; resolves to its number once it accepts clients. */
async function startXvfb(): Promise<{ display: string; child: ChildProcess }> {
  const child = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1440x900x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    child.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
  });
  return { display, child };
}

function windowsNamed(display: string, name: string): Array<{ id: string; width: number; height: number }> {
  const r = spawnSync('xwininfo', ['-root', '-tree'], { env: { ...process.env, DISPLAY: display }, encoding: 'utf8' });
  const rows = (r.stdout ?? '').split('\n').filter((l) => l.includes(`"${name}":`));
  return rows.map((l) => {
    const m = /^\s*(0x[0-9a-f]+) .*\s(\d+)x(\d+)[+-]/.exec(l)!;
    return { id: m[1], width: Number(m[2]), height: Number(m[3]) };
  });
}

describe.skipIf(missingTools('git', 'npm', 'Xvfb', 'xwininfo', 'xkill', 'import', 'chromium'))('first run on a machine without the Electron download host', () => {
  beforeAll(() => {
    clone = path.join(tempDir('lvmscope-first-run-'), 'lvmscope');
    const r = spawnSync('git', ['clone', '-q', ROOT, clone], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
  afterAll(stopAll);

  it('npm install with every dependency script allowed (as older npm versions do) exits 0 and says in one line that the runtime could not be fetched', () => {
    const r = npmInstall(['--dangerously-allow-all-scripts']);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(RUNTIME_LINE);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/^\s+at /m);
    // npm dropped the optional electron package when its download failed; it is back, for its
    // types and version, without a runtime.
    expect(existsSync(path.join(clone, 'node_modules/electron/electron.d.ts'))).toBe(true);
    expect(existsSync(path.join(clone, 'node_modules/electron/dist'))).toBe(false);
  });

  it('npm install with this npm (dependency scripts as package.json allows them) exits 0, says so in one line, and builds the CLI', () => {
    const r = npmInstall([]);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(RUNTIME_LINE);
    expect(r.stdout.match(/^lvmscope: /gm)).toHaveLength(2); // the runtime line and the CLI build
    expect(existsSync(path.join(clone, 'out/cli/lvmscope.cjs'))).toBe(true);
    expect(existsSync(path.join(clone, 'node_modules/electron/electron.d.ts'))).toBe(true);
    const lvs = spawnSync(process.execPath, [path.join(clone, 'main/cli/lvmscope.mjs'), '--version'], { encoding: 'utf8' });
    expect(lvs.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('npm start under X opens a window on the demo VG, and closing it stops every process it started', async () => {
    const home = tempDir('lvmscope-first-run-home-');
    const x = await startXvfb();
    try {
      const start = spawn('npm', ['start'], { cwd: clone, env: userEnv(home, { DISPLAY: x.display }), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      start.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
      const win = await waitFor('the lvmscope window', 240_000, () => {
        if (start.exitCode !== null) throw new Error(`npm start exited with ${start.exitCode}: ${stderr}`);
        return windowsNamed(x.display, 'lvmscope').find((w) => w.width >= 800 && w.height >= 600);
      });
      expect(stderr).toMatch(/the Electron runtime is not installed, so this is the browser fallback: .*demo-workspace opens in an app window of chromium\. Closing the window stops lvmscope\./);
      // The demo workspace was made in the user's config folder, and the window shows it.
      const demo = path.join(home, '.config/lvmscope/demo-workspace');
      await waitFor('the demo images', 60_000, () => (['pv1.img', 'pv2.img', 'pv3.img', 'pv4.img'].every((f) => existsSync(path.join(demo, f))) ? true : undefined));
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const shot = path.join(SCREENSHOT_DIR, 'first-run-window.png');
      // The page is drawn once the UI has the workspace: wait until the screen has many colours.
      await waitFor('the UI to paint', 60_000, () => {
        spawnSync('import', ['-display', x.display, '-window', 'root', shot]);
        const colours = Number(spawnSync('identify', ['-format', '%k', shot], { encoding: 'utf8' }).stdout);
        return colours > 200 ? colours : undefined;
      });
      const started = [start.pid!, ...descendants(start.pid!)];
      expect(started.length).toBeGreaterThan(3); // npm, node, chromium and its helpers

      spawnSync('xkill', ['-display', x.display, '-id', win.id]);
      expect(await exited(start, 30_000)).toBe(0);
      await waitFor('every started process to end', 15_000, () => (started.every((p) => !alive(p)) ? true : undefined));
      expect(started.filter(alive)).toEqual([]);
      // The engine released the workspace lock when it closed.
      expect(readdirSync(demo).filter((f) => f.endsWith('.lock'))).toEqual([]);
    } finally {
      x.child.kill();
    }
  });

  it('npm start without a display prints the URL and serves the UI', async () => {
    const home = tempDir('lvmscope-first-run-home-');
    const env = userEnv(home);
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const start = spawn('npm', ['start'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let started: number[] = [];
    try {
      let stdout = '';
      let stderr = '';
      start.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
      const url = await new Promise<string>((resolve, reject) => {
        // The URL goes to stdout, then the explanation to stderr: wait for both.
        const check = () => {
          const m = /^lvmscope: serving on (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32})$/m.exec(stdout);
          if (m && stderr.includes('Press Ctrl+C to stop.')) resolve(m[1]);
        };
        start.stdout!.on('data', (d: Buffer) => ((stdout += String(d)), check()));
        start.stderr!.on('data', check);
        start.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${stderr}`)));
      });
      expect(stderr).toMatch(/there is no display here \(neither DISPLAY nor WAYLAND_DISPLAY is set\), so no window can open; open the URL above in a browser/);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      expect(stderr).not.toMatch(/^\s+at /m);
    } finally {
      // Ctrl+C as lvmscope sees it: SIGINT to the lvmscope process (npm, whose own exit on a
      // terminal's Ctrl+C is npm's business, then exits with lvmscope's status).
      started = [start.pid!, ...descendants(start.pid!)];
      const lvmscope = started.find((pid) => {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return path.basename(argv[0]) === 'node' && argv[1] === 'main/electron/start.mjs';
      });
      process.kill(lvmscope ?? start.pid!, 'SIGINT');
    }
    expect(await exited(start, 30_000)).toBe(0);
    await waitFor('every started process to end', 15_000, () => (started.every((p) => !alive(p)) ? true : undefined));
  });
});

// The clone holds only what is committed; say so when a developer runs this with changes.
if (spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim()) {
  console.warn(`first run: ${os.hostname()}: the clone is of HEAD; uncommitted changes in ${ROOT} are not part of this test.`);
}
