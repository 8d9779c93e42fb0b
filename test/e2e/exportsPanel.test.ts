// The Exports panel with a real NBD client (issue 17): `lvmscope serve --demo --nbd unix:SOCK`
// exports vg0/lv0, and qemu-io (QEMU's own NBD client, driven through its stdin) connects and
// writes. The panel says where the LVs are served before anyone connects, then lists the
// client under vg0/lv0 with counters that rise with each write. Opening another folder asks
// first: Cancel keeps the workspace and the client (which goes on writing); Disconnect and
// continue opens the folder and the client loses its connection.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTools } from '../helpers/tools';
import { launchBrowser, screenshot, startServe, stopAll, tempDir, type BrowserSession, type ServeProcess } from './helpers';

let server: ServeProcess;
let browser: BrowserSession;
let socket: string;

/** qemu-io as an interactive NBD client: one command per line on stdin, its answers collected. */
class QemuIo {
  output = '';
  private readonly child: ChildProcessWithoutNullStreams;
  private commands = 0;

  constructor(uri: string) {
    this.child = spawn('qemu-io', ['-f', 'raw', uri]);
    this.child.stdout.on('data', (c: Buffer) => (this.output += c.toString()));
    this.child.stderr.on('data', (c: Buffer) => (this.output += c.toString()));
  }

  /** Sends a command and waits for its answer (qemu-io prints its prompt again after each). */
  async run(command: string): Promise<string> {
    this.commands += 1;
    const before = this.output.length;
    this.child.stdin.write(`${command}\n`);
    await expect.poll(() => (this.output.match(/qemu-io> /g) ?? []).length, { timeout: 20_000 }).toBeGreaterThan(this.commands);
    return this.output.slice(before);
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

const cardCount = (page: Page, id: string) => page.getByTestId(id).first().textContent().then(Number);

beforeAll(async () => {
  const workspace = tempDir('lvmscope-nbd-ui-');
  socket = path.join(tempDir('lvmscope-nbd-sock-'), 'nbd.sock');
  server = await startServe(workspace, { args: ['--demo', '--nbd', `unix:${socket}`] });
  browser = await launchBrowser({ viewport: { width: 1500, height: 1000 } });
  await browser.page.goto(server.url);
  await browser.page.locator('[data-testid^="pv-row-"]').first().waitFor({ timeout: 30_000 });
});
afterAll(stopAll);

describe.skipIf(missingTools('qemu-io'))('the Exports panel with a real NBD client', () => {
  it('says where the LVs are served, then lists qemu-io under vg0/lv0 with counters that rise as it writes', async () => {
    const { page } = browser;
    await expect.poll(() => page.getByTestId('exports-serving').textContent(), { timeout: 20_000 }).toBe(`Serving 1 LV over NBD on unix:${socket}, each as VG/LV.`);
    await page.getByTestId('exports-panel').scrollIntoViewIfNeeded();
    await screenshot(page, 'exports-serving');

    const client = new QemuIo(`nbd+unix:///vg0/lv0?socket=${socket}`);
    try {
      expect(await client.run('write -P 0xab 0 64k')).toContain('wrote 65536/65536 bytes at offset 0');
      const row = page.getByTestId('export-client');
      await expect.poll(() => row.getAttribute('data-export'), { timeout: 20_000 }).toBe('vg0/lv0');
      await expect.poll(() => cardCount(page, 'export-writes'), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
      const writes = await cardCount(page, 'export-writes');
      await client.run('write -P 0xcd 1M 1M');
      await client.run('read -P 0xab 0 64k');
      await expect.poll(() => cardCount(page, 'export-writes'), { timeout: 20_000 }).toBeGreaterThan(writes);
      await expect.poll(() => cardCount(page, 'export-reads'), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
      expect(await page.getByTestId('export-bytes-written').textContent()).toMatch(/MiB$/);
      expect(await page.getByTestId('exports-panel').locator('h2').textContent()).toBe('Exports · 1 client');
      await page.getByTestId('exports-panel').scrollIntoViewIfNeeded();
      await screenshot(page, 'exports-client');

      // Opening another folder would drop the client: the UI asks, and Cancel keeps everything.
      const elsewhere = tempDir('lvmscope-nbd-other-');
      await page.getByRole('button', { name: 'Open workspace…' }).click();
      await page.getByTestId('path-input').fill(elsewhere);
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      const dialog = page.getByTestId('disconnect-dialog');
      await dialog.waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('disconnect-message').textContent()).toMatch(new RegExp(`^1 client is connected to vg0/lv0 \\(unix:${socket.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}.*\\)\\. Opening ${elsewhere.replace(/[/.]/g, '\\$&')} closes this workspace`));
      await screenshot(page, 'exports-disconnect-question');
      await page.getByTestId('disconnect-cancel').click();
      await expect.poll(() => dialog.count()).toBe(0);
      expect(await page.getByTestId('path-error').textContent()).toMatch(/NBD client is using vg0\/lv0/);
      expect(await client.run('write -P 0xef 2M 4k')).toContain('wrote 4096/4096 bytes at offset 2097152');

      // Disconnect and continue: the other folder opens and the client's connection is gone.
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await dialog.waitFor({ timeout: 20_000 });
      await page.getByTestId('disconnect-confirm').click();
      await expect.poll(() => page.getByTestId('workspace-path').textContent(), { timeout: 20_000 }).toBe(elsewhere);
      await expect.poll(() => page.getByTestId('export-client').count(), { timeout: 20_000 }).toBe(0);
      expect(await client.run('write -P 0x11 0 4k')).toMatch(/error|failed/i);
    } finally {
      client.stop();
    }
  });
});
