// Proves a browser page recovers by itself when its connection to the engine closes (issue 20:
// the server drops a page that stops reading, and such a page stayed frozen until reloaded).
// The page's WebSocket runs through Playwright's WebSocket route, which the test uses as the
// network between page and server: it stops passing the server's messages on (the page misses
// what happens next), an LV is created through another API client meanwhile, and then the
// connection is closed under the page. The page's badge goes to "reconnecting", then "open"
// on a new connection, and the page shows the new LV (its row and its mapped device) without
// a reload: it asked for its views again.
// Screenshots: test-results/e2e/reconnect-*.png.

import type { WebSocketRoute } from 'playwright-core';
import { afterAll, describe, expect, it, onTestFailed } from 'vitest';
import { apiSocket, launchBrowser, screenshot, startServe, stopAll, tempDir } from './helpers';

afterAll(stopAll);

describe('a browser page whose connection to the engine closes', () => {
  it('reconnects by itself, says so on its badge, and shows what changed while it was cut off', async () => {
    const server = await startServe(tempDir('lvmscope-reconnect-'), { args: ['--demo'] });
    const browser = await launchBrowser({ viewport: { width: 1500, height: 1000 } });
    onTestFailed(() => {
      console.error(`--- lvmscope serve stderr ---\n${server.stderr()}`);
      console.error(`--- page errors ---\n${browser.errors.join('\n')}`);
    });
    const page = browser.page;
    // Every API connection the page opens, passed through to the server unless `cut` is set.
    const connections: Array<{ page: WebSocketRoute; cut: boolean }> = [];
    await page.routeWebSocket(/\/api\?token=/, (ws) => {
      const link = { page: ws, cut: false };
      const toServer = ws.connectToServer();
      ws.onMessage((m) => toServer.send(m));
      toServer.onMessage((m) => !link.cut && ws.send(m));
      connections.push(link);
    });
    await page.goto(server.url);
    await page.locator('[data-testid^="pv-row-"]').first().waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('open');
    expect(connections).toHaveLength(1);
    await expect.poll(() => page.locator('[data-testid="lv-row-fresh"]').count()).toBe(0);
    // The badge's every state from now on, in order.
    await page.evaluate(() => {
      const badge = document.querySelector('[data-testid="connection"]')!;
      const seen: string[] = [];
      (window as unknown as { badgeStates: string[] }).badgeStates = seen;
      new MutationObserver(() => seen.push(badge.textContent ?? '')).observe(badge, { childList: true, characterData: true, subtree: true });
    });

    // The page stops hearing from the server; an LV is created meanwhile.
    connections[0].cut = true;
    const api = await apiSocket(server.origin, server.token);
    await api.call('lvm.command', { op: 'lvcreate', vg: 'vg0', name: 'fresh', extents: 2 });
    api.close();
    await expect.poll(() => page.locator('[data-testid="lv-row-fresh"]').count(), { timeout: 2000 }).toBe(0);

    // The connection closes under the page: it reconnects and asks for its views again.
    await connections[0].page.close({ code: 1006, reason: 'dropped by the test' }).catch(() => undefined);
    await expect.poll(() => connections.length, { timeout: 30_000 }).toBe(2);
    await expect.poll(() => page.getByTestId('connection').textContent(), { timeout: 30_000 }).toBe('open');
    const states = await page.evaluate(() => (window as unknown as { badgeStates: string[] }).badgeStates);
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('open');
    await expect.poll(() => page.locator('[data-testid="lv-row-fresh"]').count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.locator('[data-testid="dm-vg0-fresh"]').count(), { timeout: 30_000 }).toBe(1);
    await screenshot(page, 'reconnect-recovered');
    expect(browser.errors).toEqual([]);
  }, 180_000);
});
