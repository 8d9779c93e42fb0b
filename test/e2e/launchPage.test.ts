// Proves in Debian's Chromium that the launch page (main/serve/launchPage.ts) lands on the
// served UI: the browser opens the file:// URL (which holds no token) and the page's redirect
// takes it to the tokened http URL, whose page the server then serves. A browser server runs
// in-process on a tiny UI folder, so this checks the redirect, not the real renderer.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../app/engine';
import { createNodeHost, nodeClock } from '../../main/host';
import { writeLaunchPage } from '../../main/serve/launchPage';
import { startServer, type RunningServer } from '../../main/serve/server';
import { launchBrowser, stopAll, tempDir, type BrowserSession } from './helpers';

let server: RunningServer;
let browser: BrowserSession;
const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-launch-ui-'));

beforeAll(async () => {
  // An inline icon: otherwise Chromium asks this tiny folder for /favicon.ico, and the 404 shows
  // up among the page's console errors whenever it arrives before the check below.
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><link rel="icon" href="data:,"><title>served lvmscope ui</title><p id="ui">ui</p>');
  const engine = new Engine(createNodeHost({ kind: 'browser', workspace: () => ({ path: tempDir(), recent: [] }) }));
  server = await startServer({ rendererDir, engine, clock: nodeClock, port: 0 });
  browser = await launchBrowser();
});
afterAll(async () => {
  await stopAll();
  await server.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

describe('the launch page in Chromium', () => {
  it('redirects from its file URL to the tokened URL and shows the served page', async () => {
    const launch = writeLaunchPage(server.url);
    try {
      await browser.page.goto(launch.fileUrl);
      await browser.page.waitForURL(server.url, { timeout: 30_000 });
      expect(await browser.page.title()).toBe('served lvmscope ui');
      expect(browser.errors).toEqual([]);
    } finally {
      launch.dispose();
    }
  });
});
