// The seed scenario end to end on real image files, through the engine API as a host uses it:
// create the demo (lv0 = pv1 | pv2 | pv3), run a random-write workload on lv0, move pv2 → pv4
// live, and check: the eight steps ran in order for lv0 with their narration, writes were
// intercepted by the mirror, the metadata ends as lv0 = pv1 | pv4 | pv3 with no pvmove0, and
// every sector of lv0 holds the demo pattern or the last acknowledged write (zero mismatches).
// Also: abort in step mode, and refused plans leave the workspace untouched.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../../app/engine';
import { createNodeHost } from '../../../main/host';
import type { StepView } from '../../../app/api/move';
import { lvLayout, sleepMs, stepNo, waitForEnd, waitForStep } from './harness';
import { formatTable } from '../../../app/dm/table';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function demoEngine() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lvmscope-seed-'));
  const engine = new Engine(createNodeHost({ kind: 'test' }));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  cleanups.push(() => engine.dispose());
  const steps: StepView[] = [];
  let intercepted = 0;
  engine.subscribe((name, payload) => {
    if (name === 'move.step') steps.push(payload as StepView);
    if (name === 'dm.event' && (payload as { type: string }).type === 'write-intercepted') intercepted += 1;
  });
  await engine.handlers['workspace.createDemo']({ path: dir, scenario: 'seed', force: false });
  return { dir, engine, steps, intercepted: () => intercepted };
}

describe('the seed move (pvmove pv2 pv4) on real image files', () => {
  it('moves lv0 live under a random-write workload with zero mismatches', async () => {
    const { engine, steps, intercepted } = await demoEngine();
    const before = await engine.handlers['workspace.view']({});
    expect(lvLayout(before, 'lv0')).toEqual(['pv1:0-5', 'pv2:0-3', 'pv3:0-4']);
    await engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv0', pattern: 'randwrite', blockSizeBytes: 4096, iops: 2000, seed: 5 });
    // Slow enough (1 MiB/s) that the workload hits regions that are not copied yet.
    await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { rateBytesPerSec: 1024 * 1024, regionSizeSectors: 256 } });
    // Once the mirror has held a write, the rest may copy at full speed.
    while (intercepted() === 0) await sleepMs(10);
    await engine.handlers['move.control']({ action: 'setRate', rateBytesPerSec: 0 });
    const move = await waitForEnd(engine);
    await engine.handlers['workload.stop']({});
    expect(move.error).toBeNull();
    expect(move.status).toBe('done');
    const done = steps.filter((s) => s.state === 'done');
    expect(done.map((s) => stepNo(s))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(done[0].commands).toEqual(['dmsetup suspend vg0-lv0']);
    expect(done[2].commands.join('\n')).toMatch(/12288 8192 mirror core 1 256 2 254:1 12288 7:3 2048/);
    expect(intercepted()).toBeGreaterThan(0);
    const after = await engine.handlers['workspace.view']({});
    expect(lvLayout(after, 'lv0')).toEqual(['pv1:0-5', 'pv4:0-3', 'pv3:0-4']);
    expect(after.vgs[0].lvs.map((l) => l.name)).toEqual(['lv0']);
    const { devices } = await engine.handlers['dm.list']({});
    expect(devices.map((d) => d.name)).toEqual(['vg0-lv0']);
    expect(formatTable(devices[0].live ?? [])).toEqual(['0 12288 linear 7:0 2048', '12288 8192 linear 7:3 2048', '20480 10240 linear 7:2 2048']);
    const verify = await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' });
    expect(verify.mismatches).toBe(0);
    expect(verify.summary).toMatch(/0 mismatches/);
  });

  it('waits before each step in step mode, and an abort in step 4 puts lv0 back on pv2', async () => {
    const { engine, steps } = await demoEngine();
    await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { stepMode: true, rateBytesPerSec: 64 * 1024 } });
    for (let n = 1; n <= 4; n += 1) {
      const move = await waitForStep(engine, n);
      expect(move.status).toBe('waiting-step');
      expect(move.steps.find((s) => stepNo(s) === n)!.state).toBe('waiting');
      await engine.handlers['move.control']({ action: 'next' });
    }
    // Step 3 recorded the move (pvmove0) before step 4 was let run.
    const mid = await engine.handlers['workspace.view']({});
    expect(mid.vgs[0].lvs.map((l) => l.name)).toEqual(['lv0', 'pvmove0']);
    await engine.handlers['move.control']({ action: 'abort' });
    const move = await waitForEnd(engine);
    expect(move.status).toBe('aborted');
    expect(steps.some((s) => stepNo(s) === 4 && s.state === 'undone')).toBe(true);
    const after = await engine.handlers['workspace.view']({});
    expect(lvLayout(after, 'lv0')).toEqual(['pv1:0-5', 'pv2:0-3', 'pv3:0-4']);
    expect((await engine.handlers['dm.list']({})).devices.map((d) => d.name)).toEqual(['vg0-lv0']);
    expect((await engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' })).mismatches).toBe(0);
  });

  it('refuses a plan that does not fit, changing nothing', async () => {
    const { engine } = await demoEngine();
    const before = await engine.handlers['workspace.view']({});
    await expect(engine.handlers['move.plan']({ vg: 'vg0', sources: ['pv2'], destinations: ['pv4:0-1'], alloc: 'normal' })).rejects.toThrow(/pv4 has 2 free extents; 4 needed/);
    const after = await engine.handlers['workspace.view']({});
    expect(after.vgs[0].seqno).toBe(before.vgs[0].seqno);
  });
});

describe('the words of the steps', () => {
  it('keep what step 4 copied once it is done, and give the seqnos of the commits of steps 3 and 7', async () => {
    const { engine, steps } = await demoEngine();
    await engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { regionSizeSectors: 128 } });
    await waitForEnd(engine);
    const done = (n: number) => steps.find((s) => stepNo(s) === n && s.state === 'done')!;
    expect(done(4).narration).toMatch(/copies 64 regions of 64 KiB \(4\.0 MiB\)/);
    expect(done(3).narration).toMatch(/seqno \d+ → \d+/);
    expect(done(7).narration).toMatch(/seqno \d+ → \d+/);
    expect(done(2).narration).toMatch(/vg0-lv0-orig \(254:1\)/);
  });
});
