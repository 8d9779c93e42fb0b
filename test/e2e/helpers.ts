// Shared helpers for the end-to-end suite: start `lvmscope serve` as a child process and
// read its URL, launch Debian's Chromium through playwright-core with a fresh profile, take
// screenshots under test-results/e2e/. Every child is tracked and killed by `stopAll()`
// (call it in afterAll); a startup failure throws with the child's stderr in the message.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../..');
export const CHROMIUM_PATH = process.env.LVMSCOPE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'e2e');
/** Flags from docs/environment.md: no sandbox (root in CI), no GPU, no network chatter. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const cleanups: Array<() => Promise<void>> = [];

/** Runs every registered cleanup (newest first); safe to call more than once. */
export async function stopAll(): Promise<void> {
  while (cleanups.length) await cleanups.pop()!().catch((e: unknown) => console.error('e2e cleanup failed:', e));
}

/** A temporary folder removed by stopAll(). */
export function tempDir(prefix = 'lvmscope-e2e-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A temporary workspace folder with sparse image files of the given sizes (bytes). */
export function makeWorkspace(images: Record<string, number>): string {
  const dir = tempDir('lvmscope-ws-');
  for (const [name, sizeBytes] of Object.entries(images)) {
    writeFileSync(path.join(dir, name), '');
    truncateSync(path.join(dir, name), sizeBytes);
  }
  return dir;
}

export interface ServeProcess {
  /** The full URL the server printed, with its token. */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  token: string;
  child: ChildProcess;
  /** Everything the child wrote on stderr so far (build output, warnings). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the child has exited. */
  stop(): Promise<void>;
}

const SERVING_LINE = /^lvmscope: serving on (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{32}))$/m;

/** Starts `lvmscope serve <workspace> --port 0` and waits for its URL line on stdout. */
export async function startServe(workspace: string, options: { args?: string[]; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ServeProcess> {
  const cli = path.join(ROOT, 'main', 'cli', 'lvmscope.mjs');
  const child = spawn(process.execPath, [cli, 'serve', workspace, '--port', '0', ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += String(d)));
  child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  cleanups.push(stop);
  const match = await waitFor(() => SERVING_LINE.exec(stdout), options.timeoutMs ?? 60_000, () => child.exitCode !== null);
  if (!match) {
    await stop();
    throw new Error(`lvmscope serve did not print its URL (exit ${child.exitCode ?? 'none'}).\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  }
  return { url: match[1], origin: new URL(match[1]).origin, port: Number(match[2]), token: match[3], child, stderr: () => stderr, stop };
}

async function waitFor<T>(probe: () => T | null | undefined, timeoutMs: number, giveUp: () => boolean): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value) return value;
    if (giveUp()) return probe() ?? undefined;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far (a CSP violation shows up here). */
  errors: string[];
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh --user-data-dir and opens one page. */
export async function launchBrowser(options: { headless?: boolean; viewport?: { width: number; height: number } } = {}): Promise<BrowserSession> {
  const profile = tempDir('lvmscope-chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 1200, height: 720 },
    timeout: 60_000,
  });
  const close = async () => {
    await context.close().catch(() => undefined);
  };
  cleanups.push(close);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors, close };
}

/** Saves a full-page PNG as test-results/e2e/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
