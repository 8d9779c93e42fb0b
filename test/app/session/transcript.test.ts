// The Markdown transcript of a finished seed move holds what a handout needs: the command,
// the plan, the layouts before and after, all eight steps with their narration, and the
// tables (the original table of step 2, the identity + mirror table of step 3, the final
// table of step 8), in order.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../../app/engine';
import { createNodeHost } from '../../../main/host';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('the move transcript', () => {
  it('tells the whole seed move with its commands and tables', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-transcript-'));
    const engine = new Engine(createNodeHost({ kind: 'test' }));
    cleanups.push(() => rm(dir, { recursive: true, force: true }), () => engine.dispose());
    await expect(engine.handlers['move.transcript']({})).rejects.toThrow(/No workspace is open|No move has run/);
    await engine.handlers['workspace.createDemo']({ path: dir, scenario: 'seed', force: false });
    await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: {} });
    for (let i = 0; i < 200; i += 1) {
      const { move } = await engine.handlers['move.state']({});
      if (move?.status === 'done') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const { markdown, fileName } = await engine.handlers['move.transcript']({});
    expect(fileName).toMatch(/^lvmscope-move-\d+\.md$/);
    expect(markdown).toMatch(/^# lvmscope transcript: pvmove \/dev\/pv2 \/dev\/pv4/);
    const headings = [...markdown.matchAll(/^### (\d)\. /gm)].map((m) => Number(m[1]));
    expect(headings).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const order = ['dmsetup suspend vg0-lv0', 'dmsetup create vg0-lv0-orig', '0 12288 linear 7:0 2048', 'mirror core 1 1024 2 254:1 12288 7:3 2048', 'dmsetup remove --deferred vg0-lv0-orig', '12288 8192 linear 7:3 2048'];
    let at = 0;
    for (const needle of order) {
      const found = markdown.indexOf(needle, at);
      expect(found, needle).toBeGreaterThan(-1);
      at = found;
    }
    expect(markdown).toContain('| lv0 | 6-9 | pv2:0-3 | pv4:0-3 |');
  });
});
