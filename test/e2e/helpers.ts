// Shared helpers for the end-to-end suite: start `lvmscope serve` as a child process and
// read its URL, launch Debian's Chromium through playwright-core with a fresh profile, take
// screenshots under test-results/e2e/. Every child is tracked and killed by `stopAll()`
// (call it in afterAll); a startup failure throws with the child's stderr in the message.

import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import type { WireMessage } from '../../app/api/wire';
import type { BrowserContext, Page } from 'playwright-core';
import { startServeChild } from '../main/serve/serveChild';

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

/** Starts `lvmscope serve <workspace> --port 0`, waits for its URL line, and stops it in stopAll(). */
export async function startServe(workspace: string, options: { args?: string[]; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ServeProcess> {
  const serve = await startServeChild(workspace, options);
  cleanups.push(serve.stop);
  return { ...serve, origin: new URL(serve.url).origin };
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

/** A minimal API client over the served WebSocket (any number of clients watch one engine). */
export async function apiSocket(origin: string, token: string): Promise<{ call(method: string, params: unknown): Promise<unknown>; close(): void }> {
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/api?token=${token}`);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  let nextId = 1;
  const pending = new Map<number, (value: unknown) => void>();
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as WireMessage;
    if (m.kind === 'response' && typeof m.id === 'number') pending.get(m.id)?.(m.result.ok ? m.result.value : Promise.reject(new Error(m.result.error.message)));
  });
  return {
    call: (method, params) =>
      new Promise((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        ws.send(JSON.stringify({ kind: 'request', id, method, params }));
      }),
    close: () => ws.close(),
  };
}
