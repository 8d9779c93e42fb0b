// Opening an empty folder writes nothing into it: `lvmscope serve DIR` (not the demo folder)
// shows the folder as empty and offers "Create the seed demo here"; only that click creates
// pv1..pv4 and draws lv0 = pv1 | pv2 | pv3. (`serve` without a folder, or `--demo`, seeds the
// demo folder on first start instead; the other e2e suites use that.)

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { launchBrowser, screenshot, startServe, stopAll, tempDir, type BrowserSession, type ServeProcess } from './helpers';

let server: ServeProcess;
let browser: BrowserSession;
let workspace: string;

beforeAll(async () => {
  workspace = tempDir('lvmscope-empty-');
  server = await startServe(workspace);
  browser = await launchBrowser({ viewport: { width: 1500, height: 1000 } });
});
afterAll(stopAll);

describe('an empty folder that is not the demo folder', () => {
  it('stays empty until the user asks for the demo, then shows the seed', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await page.getByTestId('create-demo-here').waitFor({ timeout: 30_000 });
    expect(readdirSync(workspace).filter((f) => !f.startsWith('.'))).toEqual([]);
    await screenshot(page, 'empty-folder');
    await page.getByTestId('create-demo-here').click();
    await expect.poll(() => page.getByTestId('lv-row-lv0').textContent().catch(() => ''), { timeout: 30_000 }).toContain('pv1 | pv2 | pv3');
    expect(readdirSync(workspace).filter((f) => f.endsWith('.img')).sort()).toEqual(['pv1.img', 'pv2.img', 'pv3.img', 'pv4.img']);
  });
});
