// `lvmscope window [DIR]`: the desktop app without Electron. `npm start` runs it when the
// Electron runtime is not installed (it cannot be downloaded on every machine): the same
// engine serves the same UI as browser mode, shown in an app window of a browser that is
// installed — Chromium or Chrome in `--app` mode with a profile of its own, Firefox as a
// last resort — and closing that window stops the engine and everything it started.
// Without a display there is no window to open: it says so and serves the URL instead.

import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { ENGINE_VERSION } from '../../../app/engine';
import { startBrowserMode } from '../../serve/browserMode';
import { writeLaunchPage, type LaunchPage } from '../../serve/launchPage';
import type { RunningServer } from '../../serve/server';

export interface Browser {
  kind: 'chromium' | 'firefox';
  /** The executable, as found on PATH (or given). */
  command: string;
}

/** Executables tried in order; Chromium-based ones first because only they have an app mode. */
export const BROWSER_CANDIDATES: Browser[] = [
  ...['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome', 'microsoft-edge-stable', 'microsoft-edge', 'brave-browser'].map((command) => ({ kind: 'chromium' as const, command })),
  ...['firefox', 'firefox-esr'].map((command) => ({ kind: 'firefox' as const, command })),
];

function executableOnPath(command: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = command.includes('/') ? [''] : (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const file = dir ? path.join(dir, command) : command;
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here; try the next folder.
    }
  }
  return undefined;
}

/**
 * The browser to open the window in: LVMSCOPE_BROWSER when set (its kind guessed from its
 * name), else the first of BROWSER_CANDIDATES on PATH.
 */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): Browser | undefined {
  const chosen = env.LVMSCOPE_BROWSER;
  if (chosen) {
    const command = executableOnPath(chosen, env);
    return command ? { kind: /firefox/i.test(chosen) ? 'firefox' : 'chromium', command } : undefined;
  }
  for (const candidate of BROWSER_CANDIDATES) {
    const command = executableOnPath(candidate.command, env);
    if (command) return { ...candidate, command };
  }
  return undefined;
}

/** A graphical session to open a window on: X11 or Wayland on Linux; always elsewhere. */
export function hasDisplay(env: NodeJS.ProcessEnv = process.env, platform = process.platform): boolean {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * The browser's arguments. Chromium: an app window (no tabs, no address bar) on a fresh
 * profile, so that this process is the browser's main process — with a shared profile a
 * running Chromium would take the window over and our child would exit at once — and without
 * the background services that phone home. As root Chromium refuses to start without
 * --no-sandbox; --test-type hides the warning bar that flag brings.
 */
export function browserArgs(browser: Browser, launchUrl: string, profileDir: string, isRoot: boolean): string[] {
  if (browser.kind === 'firefox') return ['--new-instance', '--no-remote', '--profile', profileDir, launchUrl];
  return [
    `--app=${launchUrl}`,
    `--user-data-dir=${profileDir}`,
    '--class=lvmscope',
    '--window-size=1440,900',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-features=Translate,MediaRouter',
    '--password-store=basic',
    ...(isRoot ? ['--no-sandbox', '--test-type'] : []),
  ];
}

interface WindowFlags {
  demo?: boolean;
}

export function windowVerb(program: Command): void {
  program
    .command('window')
    .description("Open the lvmscope UI in an app window of an installed browser (Chromium, Chrome, or Firefox): what `npm start` does when Electron's runtime is not installed. Closing the window stops lvmscope.")
    .argument('[dir]', 'the workspace folder to show; default: the demo workspace')
    .option('--demo', 'fill the folder with the seed demo if it is empty (implied when no folder is given)')
    .action((dir: string | undefined, flags: WindowFlags) => openWindow(dir, flags));
}

async function openWindow(dir: string | undefined, flags: WindowFlags): Promise<void> {
  const { server, workspacePath, stop: stopServing } = await startBrowserMode(dir, { holderName: 'lvmscope window', demo: flags.demo });
  const browser = findBrowser();
  if (!hasDisplay() || !browser) {
    const why = !hasDisplay()
      ? 'there is no display here (neither DISPLAY nor WAYLAND_DISPLAY is set), so no window can open'
      : 'no Chromium, Chrome or Firefox was found on PATH (install one, e.g. `apt install chromium`, or set LVMSCOPE_BROWSER)';
    process.stdout.write(`lvmscope: serving on ${server.url}\n`);
    process.stderr.write(`lvmscope ${ENGINE_VERSION}: ${why}; open the URL above in a browser to see ${workspacePath}. Press Ctrl+C to stop.\n`);
    await untilSignal();
    await stopServing().catch(() => undefined);
    return;
  }
  await runWindow(browser, server, workspacePath);
  await stopServing().catch(() => undefined);
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** Opens the window and resolves once it is closed (or lvmscope is told to stop). */
async function runWindow(browser: Browser, server: RunningServer, workspacePath: string): Promise<void> {
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-window-profile-'));
  let page: LaunchPage | undefined;
  let child: ChildProcess | undefined;
  try {
    // The token never goes on a command line: the browser opens a private file that redirects.
    page = writeLaunchPage(server.url);
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    // Its own process group, so that closing down also ends the helpers the browser started
    // (Chromium's zygotes and crash handler) even if the browser itself dies abruptly.
    child = spawn(browser.command, browserArgs(browser, page.fileUrl, profileDir, isRoot), { stdio: 'ignore', detached: true });
    const name = path.basename(browser.command);
    const mode = browser.kind === 'chromium' ? 'an app window' : 'a window (Firefox has no app mode)';
    process.stderr.write(`lvmscope ${ENGINE_VERSION}: the Electron runtime is not installed, so this is the browser fallback: ${workspacePath} opens in ${mode} of ${name}. Closing the window stops lvmscope.\n`);
    await browserClosed(child);
  } finally {
    if (child?.pid !== undefined) killGroup(child.pid);
    page?.dispose();
    rmSync(profileDir, { recursive: true, force: true });
  }
}

/** Resolves when the browser exits, fails to start, or lvmscope gets SIGINT/SIGTERM. */
function browserClosed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    child.once('exit', done);
    child.once('error', (e) => {
      process.stderr.write(`lvmscope: could not start ${child.spawnfile} (${e.message}); run \`lvmscope serve\` and open its URL in a browser instead.\n`);
      done();
    });
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // The group is already gone: every process in it has exited.
  }
}
