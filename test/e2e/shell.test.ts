// Proves the app shell works end to end in browser mode: `lvmscope serve` runs as a real
// child process on a temporary workspace with two image files; Debian's Chromium loads the
// printed URL; the page shows the engine version and both image files, which only a real
// API round trip through the token-guarded WebSocket can produce. Also proves that the
// page and the socket refuse a missing or wrong token, and that the strict CSP raises no
// violation. Leaves test-results/e2e/shell.png.

import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import WebSocket from 'ws';
import { ENGINE_VERSION } from '../../app/engine';
import { launchBrowser, makeWorkspace, screenshot, startServe, stopAll } from './helpers';
import type { BrowserSession, ServeProcess } from './helpers';

let server: ServeProcess;
let browser: BrowserSession;

beforeAll(async () => {
  const workspace = makeWorkspace({ 'pv1.img': 8 * 1024 * 1024, 'pv2.img': 12 * 1024 * 1024 });
  server = await startServe(workspace);
  browser = await launchBrowser();
});
afterAll(stopAll);

function showServerLogOnFailure(): void {
  onTestFailed(() => {
    console.error(`--- lvmscope serve stderr ---\n${server.stderr()}`);
    console.error(`--- page errors ---\n${browser.errors.join('\n')}`);
  });
}

describe('browser mode shell', () => {
  it('shows the engine version and both image files, fetched through the WebSocket', async () => {
    showServerLogOnFailure();
    const { page } = browser;
    await page.goto(server.url);
    await expect.poll(() => page.getByTestId('engine-info').textContent(), { timeout: 20_000 }).toContain(`engine ${ENGINE_VERSION}`);
    await expect.poll(() => page.getByTestId('image-row').count(), { timeout: 20_000 }).toBe(2);
    const rows = await page.getByTestId('image-row').allTextContents();
    expect(rows[0]).toContain('pv1.img');
    expect(rows[0]).toContain('8.00 MiB');
    expect(rows[1]).toContain('pv2.img');
    expect(rows[1]).toContain('12.0 MiB');
    expect(await page.getByTestId('engine-info').textContent()).toContain('browser');
    expect(await page.getByTestId('connection').textContent()).toBe('open');
    expect(browser.errors).toEqual([]);
    await screenshot(page, 'shell');
  });

  it('switches between light and dark themes', async () => {
    showServerLogOnFailure();
    const { page } = browser;
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    await page.getByRole('button', { name: /theme: system/ }).click(); // system → light
    expect(await theme()).toBe('light');
    await page.getByRole('button', { name: /theme: light/ }).click(); // light → dark
    expect(await theme()).toBe('dark');
    await screenshot(page, 'shell-dark');
  });

  it('refuses the page without its token', async () => {
    const response = await browser.page.request.get(`${server.origin}/`);
    expect(response.status()).toBe(403);
    const wrong = await browser.page.request.get(`${server.origin}/?token=${'0'.repeat(32)}`);
    expect(wrong.status()).toBe(403);
  });

  it('refuses a WebSocket without the token or with a foreign Origin', async () => {
    const attempt = (url: string, headers: Record<string, string> = {}) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.on('open', () => {
          ws.close();
          resolve('open');
        });
        ws.on('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
        ws.on('error', (e) => resolve(`error ${e.message}`));
      });
    const wsBase = `ws://127.0.0.1:${server.port}/api`;
    expect(await attempt(wsBase)).toBe('HTTP 403');
    expect(await attempt(`${wsBase}?token=${'f'.repeat(32)}`)).toBe('HTTP 403');
    expect(await attempt(`${wsBase}?token=${server.token}`, { Origin: 'http://evil.example' })).toBe('HTTP 403');
    expect(await attempt(`${wsBase}?token=${server.token}`)).toBe('open');
  });
});
