// The seed scenario end to end on the simulated clock (in-memory images; the CLI, e2e and kernel
// suites run it on real image files), through the engine API as a host uses it:
// create the demo (lv0 = pv1 | pv2 | pv3), run a random-write workload on lv0, move pv2 → pv4
// live, and check: the eight steps ran in order for lv0 with their narration, writes were
// intercepted by the mirror, the metadata ends as lv0 = pv1 | pv4 | pv3 with no pvmove0, and
// every sector of lv0 holds the demo pattern or the last acknowledged write (zero mismatches).
// The outline keeps the 2002 rule (every early write held, none to the source leg only); the
// lvm2 stack follows the kernel's (writes ahead of the copy go to the source leg only, at once),
// with every acknowledged write intact after either.
// Also: abort in step mode, and refused plans leave the workspace untouched.

import { afterEach, describe, expect, it } from 'vitest';
import type { StepView } from '../../../app/api/move';
import { formatTable } from '../../../app/dm/table';
import { lvLayout, memoryEngine, onClock, simEnd, simStep, stepNo, type TestEngine } from './harness';

const open: TestEngine[] = [];
afterEach(async () => {
  while (open.length) {
    const t = open.pop()!;
    await onClock(t, t.engine.dispose());
  }
});

/** The seed demo in memory on the simulated clock, with every step event and held write counted. */
async function demoEngine() {
  const t = await memoryEngine(undefined, 1, { simulated: true });
  open.push(t);
  const steps: StepView[] = [];
  let intercepted = 0;
  let sourceOnly = 0;
  let firstIntercept: () => void = () => undefined;
  let firstSourceOnly: () => void = () => undefined;
  const intercept = new Promise<void>((resolve) => (firstIntercept = resolve));
  const sourceOnlyWrite = new Promise<void>((resolve) => (firstSourceOnly = resolve));
  t.engine.subscribe((name, payload) => {
    if (name === 'move.step') steps.push(payload as StepView);
    if (name === 'dm.event' && (payload as { type: string }).type === 'write-intercepted') {
      intercepted += 1;
      firstIntercept();
    }
    if (name === 'dm.event' && (payload as { type: string }).type === 'write-source-only') {
      sourceOnly += 1;
      firstSourceOnly();
    }
  });
  return { t, engine: t.engine, steps, intercepted: () => intercepted, intercept, sourceOnly: () => sourceOnly, sourceOnlyWrite };
}

describe('the seed move (pvmove pv2 pv4) on the simulated clock', () => {
  it('moves lv0 live under a random-write workload with zero mismatches', async () => {
    const { t, engine, steps, intercepted, intercept, sourceOnly } = await demoEngine();
    const before = await onClock(t, engine.handlers['workspace.view']({}));
    expect(lvLayout(before, 'lv0')).toEqual(['pv1:0-5', 'pv2:0-3', 'pv3:0-4']);
    await onClock(t, engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv0', pattern: 'randwrite', blockSizeBytes: 4096, iops: 2000, seed: 5 }));
    // Slow enough (1 MiB/s) that the workload hits regions that are not copied yet.
    await onClock(t, engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { rateBytesPerSec: 1024 * 1024, regionSizeSectors: 256 } }));
    // Once the mirror has held a write, the rest may copy at full speed.
    await onClock(t, intercept);
    await onClock(t, engine.handlers['move.control']({ action: 'setRate', rateBytesPerSec: 0 }));
    const move = await simEnd(t);
    await onClock(t, engine.handlers['workload.stop']({}));
    expect(move.error).toBeNull();
    expect(move.status).toBe('done');
    const done = steps.filter((s) => s.state === 'done');
    expect(done.map((s) => stepNo(s))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(done[0].commands).toEqual(['dmsetup suspend vg0-lv0']);
    expect(done[2].commands.join('\n')).toMatch(/12288 8192 mirror core 1 256 2 254:1 12288 7:3 2048/);
    expect(intercepted()).toBeGreaterThan(0);
    expect(sourceOnly()).toBe(0);
    expect(move.progress.sourceOnlyWrites).toBe(0);
    const after = await onClock(t, engine.handlers['workspace.view']({}));
    expect(lvLayout(after, 'lv0')).toEqual(['pv1:0-5', 'pv4:0-3', 'pv3:0-4']);
    expect(after.vgs[0].lvs.map((l) => l.name)).toEqual(['lv0']);
    const { devices } = await onClock(t, engine.handlers['dm.list']({}));
    expect(devices.map((d) => d.name)).toEqual(['vg0-lv0']);
    expect(formatTable(devices[0].live ?? [])).toEqual(['0 12288 linear 7:0 2048', '12288 8192 linear 7:3 2048', '20480 10240 linear 7:2 2048']);
    const verify = await onClock(t, engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' }));
    expect(verify.mismatches).toBe(0);
    expect(verify.summary).toMatch(/0 mismatches/);
  });

  it('moves lv0 on the lvm2 stack under a random-write workload: writes ahead of the copy go to the source leg only, at once, and every acknowledged write verifies', async () => {
    const { t, engine, sourceOnly, sourceOnlyWrite } = await demoEngine();
    await onClock(t, engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv0', pattern: 'randwrite', blockSizeBytes: 4096, iops: 2000, seed: 5 }));
    await onClock(t, engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { stack: 'lvm2', rateBytesPerSec: 1024 * 1024, regionSizeSectors: 256 } }));
    await onClock(t, sourceOnlyWrite);
    await onClock(t, engine.handlers['move.control']({ action: 'setRate', rateBytesPerSec: 0 }));
    const move = await simEnd(t);
    const stats = await onClock(t, engine.handlers['workload.stop']({}));
    expect(move.status).toBe('done');
    expect(sourceOnly()).toBeGreaterThan(0);
    expect(move.progress.sourceOnlyWrites).toBe(sourceOnly());
    expect(stats.sourceOnlyWrites).toBe(sourceOnly());
    const after = await onClock(t, engine.handlers['workspace.view']({}));
    expect(lvLayout(after, 'lv0')).toEqual(['pv1:0-5', 'pv4:0-3', 'pv3:0-4']);
    const verify = await onClock(t, engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' }));
    expect(verify.mismatches).toBe(0);
  });

  it('waits before each step in step mode, and an abort in step 4 puts lv0 back on pv2', async () => {
    const { t, engine, steps } = await demoEngine();
    await onClock(t, engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { stepMode: true, rateBytesPerSec: 64 * 1024 } }));
    for (let n = 1; n <= 4; n += 1) {
      const move = await simStep(t, n);
      expect(move.status).toBe('waiting-step');
      expect(move.steps.find((s) => stepNo(s) === n)!.state).toBe('waiting');
      await onClock(t, engine.handlers['move.control']({ action: 'next' }));
    }
    // Step 3 recorded the move (pvmove0) before step 4 was let run.
    const mid = await onClock(t, engine.handlers['workspace.view']({}));
    expect(mid.vgs[0].lvs.map((l) => l.name)).toEqual(['lv0', 'pvmove0']);
    await onClock(t, engine.handlers['move.control']({ action: 'abort' }));
    const move = await simEnd(t);
    expect(move.status).toBe('aborted');
    expect(steps.some((s) => stepNo(s) === 4 && s.state === 'undone')).toBe(true);
    const after = await onClock(t, engine.handlers['workspace.view']({}));
    expect(lvLayout(after, 'lv0')).toEqual(['pv1:0-5', 'pv2:0-3', 'pv3:0-4']);
    expect((await onClock(t, engine.handlers['dm.list']({}))).devices.map((d) => d.name)).toEqual(['vg0-lv0']);
    expect((await onClock(t, engine.handlers['verify.run']({ vg: 'vg0', lv: 'lv0' }))).mismatches).toBe(0);
  });

  it('refuses a plan that does not fit, changing nothing', async () => {
    const { t, engine } = await demoEngine();
    const before = await onClock(t, engine.handlers['workspace.view']({}));
    await expect(onClock(t, engine.handlers['move.plan']({ vg: 'vg0', sources: ['pv2'], destinations: ['pv4:0-1'], alloc: 'normal' }))).rejects.toThrow(/pv4 has 2 free extents; 4 needed/);
    const after = await onClock(t, engine.handlers['workspace.view']({}));
    expect(after.vgs[0].seqno).toBe(before.vgs[0].seqno);
  });
});

describe('the words of the steps', () => {
  it('keep what step 4 copied once it is done, and give the seqnos of the commits of steps 3 and 7', async () => {
    const { t, engine, steps } = await demoEngine();
    await onClock(t, engine.handlers['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { regionSizeSectors: 128 } }));
    await simEnd(t);
    const done = (n: number) => steps.find((s) => stepNo(s) === n && s.state === 'done')!;
    expect(done(4).narration).toMatch(/copies 64 regions of 64 KiB \(4\.0 MiB\)/);
    expect(done(3).narration).toMatch(/seqno \d+ → \d+/);
    expect(done(7).narration).toMatch(/seqno \d+ → \d+/);
    expect(done(2).narration).toMatch(/vg0-lv0-orig \(254:1\)/);
  });
});
