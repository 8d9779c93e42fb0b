// The Exports panel with a real NBD client (issue 17): `lvmscope serve --demo --nbd unix:SOCK`
// exports vg0/lv0, and qemu-io (QEMU's own NBD client, driven through its stdin) connects and
// writes. The panel says where the LVs are served before anyone connects, then lists the
// client under vg0/lv0 with counters that rise with each write. During a move started in the
// UI, a client write to a region not copied yet is held: the panel counts it as intercepted and
// the diagram draws it in the client colour. Opening another folder asks first: Cancel keeps
// the workspace and the client (which goes on writing); Disconnect and continue opens the
// folder and the client loses its connection.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTools } from '../helpers/tools';
import { launchBrowser, screenshot, startServe, stopAll, tempDir, type BrowserSession, type ServeProcess } from './helpers';
import { planByKeys, stepStates } from './uiHelpers';

let server: ServeProcess;
let browser: BrowserSession;
let socket: string;
let client: QemuIo;

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

  /** Sends a command; `answered` resolves with what it printed (qemu-io prompts again after each). */
  send(command: string): { answered: Promise<string> } {
    this.commands += 1;
    const count = this.commands;
    const before = this.output.length;
    this.child.stdin.write(`${command}\n`);
    const answered = (async () => {
      await expect.poll(() => (this.output.match(/qemu-io> /g) ?? []).length, { timeout: 60_000 }).toBeGreaterThan(count);
      return this.output.slice(before);
    })();
    return { answered };
  }

  run(command: string): Promise<string> {
    return this.send(command).answered;
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
afterAll(async () => {
  client?.stop();
  await stopAll();
});

type Held = { key: string; region: number; client: boolean; phase: string };
const heldWrites = (page: Page): Promise<Held[]> => page.evaluate(() => (window as unknown as { lvmscopeAnimator: { heldWrites(): Held[] } }).lvmscopeAnimator.heldWrites());
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe.skipIf(missingTools('qemu-io'))('the Exports panel with a real NBD client', () => {
  it('says where the LVs are served before anyone connects', async () => {
    const { page } = browser;
    await expect.poll(() => page.getByTestId('exports-serving').textContent(), { timeout: 20_000 }).toBe(`Serving 1 LV over NBD on unix:${socket}, each as VG/LV.`);
    expect(await page.getByTestId('exports-panel').textContent()).toContain(`nbdinfo --list 'nbd+unix:///?socket=${socket}'`);
    await page.getByTestId('exports-panel').scrollIntoViewIfNeeded();
    await screenshot(page, 'exports-serving');
  });

  it('lists qemu-io under vg0/lv0 with counters that rise as it writes and reads', async () => {
    const { page } = browser;
    client = new QemuIo(`nbd+unix:///vg0/lv0?socket=${socket}`);
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
    // The theme follows the system: the panel in the dark theme too, for a look.
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'exports-client-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it("counts a client's write that a moving mirror holds as intercepted, and draws it in the client colour", async () => {
    const { page } = browser;
    // 128 KiB/s: the 4 MiB of pv2 take half a minute, so a write 1 MiB into them waits a while.
    await page.getByTestId('rate-custom').check();
    await page.getByLabel('custom rate in KiB/s').fill('128');
    await planByKeys(page, 'pv2', 'pv4');
    await page.getByTestId('plan-start').click();
    await expect.poll(async () => (await stepStates(page))[3], { timeout: 30_000 }).toBe('running');
    // lv0 = pv1 (LE 0-5) | pv2 (LE 6-9) | pv3: 7 MiB is 1 MiB into the moving segment.
    const held = client.send('write -P 0x5a 7M 4k');
    // The mirror copies the held write's region next, so the moments pass quickly: any of them will do.
    const seen: Held[] = [];
    await expect.poll(async () => (seen.push(...(await heldWrites(page))), seen.some((w) => w.client)), { timeout: 30_000, interval: 20 }).toBe(true);
    expect(seen.filter((w) => !w.client)).toEqual([]);
    await page.getByTestId('move-diagram').scrollIntoViewIfNeeded();
    await screenshot(page, 'exports-client-write-held');
    expect(await held.answered).toContain('wrote 4096/4096 bytes at offset 7340032');
    await expect.poll(() => cardCount(page, 'export-intercepted'), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    await page.getByTestId('rate-unlimited').check();
    await expect.poll(() => page.getByTestId('move-status').textContent(), { timeout: 60_000 }).toBe('done');
    expect(await client.run('read -P 0x5a 7M 4k')).toContain('read 4096/4096 bytes at offset 7340032');
  });

  it('asks before opening another folder drops the client: Cancel keeps it writing, Disconnect and continue opens the folder and cuts it off', async () => {
    const { page } = browser;
    // A move still running would refuse with its own sentence (no question): let it end first.
    await page.getByTestId('rate-unlimited').check();
    await expect.poll(() => page.getByTestId('move-status').textContent(), { timeout: 60_000 }).toMatch(/^(idle|done)$/);
    const elsewhere = tempDir('lvmscope-nbd-other-');
    await page.getByRole('button', { name: 'Open workspace…' }).click();
    await page.getByTestId('path-input').fill(elsewhere);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    const dialog = page.getByTestId('disconnect-dialog');
    await dialog.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('disconnect-message').textContent()).toMatch(new RegExp(`^1 client is connected to vg0/lv0 \\(unix:${escaped(socket)} #\\d+\\)\\. Opening ${escaped(elsewhere)} closes this workspace`));
    await screenshot(page, 'exports-disconnect-question');
    await page.getByTestId('disconnect-cancel').click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.getByTestId('path-error').textContent()).toMatch(/NBD client is using vg0\/lv0/);
    expect(await client.run('write -P 0xef 2M 4k')).toContain('wrote 4096/4096 bytes at offset 2097152');

    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await dialog.waitFor({ timeout: 20_000 });
    await page.getByTestId('disconnect-confirm').click();
    await expect.poll(() => page.getByTestId('workspace-path').textContent(), { timeout: 20_000 }).toBe(elsewhere);
    await expect.poll(() => page.getByTestId('export-client').count(), { timeout: 20_000 }).toBe(0);
    expect(await client.run('write -P 0x11 0 4k')).toMatch(/error|failed/i);
  });
});
