// Proves the move's controls and its less common shapes on in-memory images through the
// engine API: an abort while waiting before each of the eight steps (and during the copy, and
// while paused) leaves the LV active on a consistent layout with no -orig device; a write
// issued while the LV is suspended waits and then completes; progress is monotonic and ends at
// 100 %; PE-range moves, a destination split over two PVs, and two LVs moving at once (with
// the metadata valid after each LV's step 7) end where the plan said, with zero mismatches.
// Everything runs on the simulated clock (test/sim): waiting is simulated time, never a sleep.

import { afterEach, describe, expect, it } from 'vitest';
import type { MoveProgressView } from '../../../app/api/move';
import { readMove } from '../../../app/pvmove/layout';
import { writeSectors } from '../../../app/workload/pattern';
import type { DemoLayout } from '../../../app/session/demo';
import { TWO_LV_LAYOUT, lvLayout, memoryEngine, onClock, simEnd, simSleep, simStep, stepNo, type TestEngine } from './harness';

const BEFORE = ['pv1:0-5', 'pv2:0-3', 'pv3:0-4'];
const AFTER = ['pv1:0-5', 'pv4:0-3', 'pv3:0-4'];
const SEED_MOVE = { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' as const };

const open: TestEngine[] = [];
async function engineFor(layout?: DemoLayout) {
  const t = await memoryEngine(layout, 1, { simulated: true });
  open.push(t);
  return t;
}
afterEach(async () => {
  while (open.length) {
    const t = open.pop()!;
    await onClock(t, t.engine.dispose());
  }
});

async function expectCleanEnd(t: TestEngine, layout: string[], lvs = ['lv0']) {
  const view = await onClock(t, t.engine.handlers['workspace.view']({}));
  expect(view.vgs[0].moveInProgress).toBeNull();
  expect(view.vgs[0].lvs.map((l) => l.name)).toEqual(lvs);
  expect(lvLayout(view, 'lv0')).toEqual(layout);
  const { devices } = await onClock(t, t.engine.handlers['dm.list']({}));
  expect(devices.map((d) => `${d.name} ${d.state}`)).toEqual(lvs.map((lv) => `vg0-${lv} ACTIVE`));
  for (const lv of lvs) expect((await onClock(t, t.engine.handlers['verify.run']({ vg: 'vg0', lv }))).mismatches).toBe(0);
}

describe('abort', () => {
  // The seed move is one run, the move's last: as in LVM2 it is never checkpointed, so until
  // step 7 commits the finish, an abort puts lv0 back on its source; after it, on pv4.
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const expected = n <= 7 ? BEFORE : AFTER;
    it(`an abort while waiting before step ${n} ends with lv0 = ${expected.join(' | ')}, active, no -orig device, zero mismatches`, async () => {
      const t = await engineFor();
      await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { stepMode: true } }));
      for (let k = 1; k < n; k += 1) {
        await simStep(t, k);
        await onClock(t, t.engine.handlers['move.control']({ action: 'next' }));
      }
      await simStep(t, n);
      await onClock(t, t.engine.handlers['move.control']({ action: 'abort' }));
      const move = await simEnd(t);
      expect(move.status).toBe('aborted');
      await expectCleanEnd(t, expected);
    });
  }

  it('an abort during a throttled copy under writes puts lv0 back on pv2 with zero mismatches', async () => {
    const t = await engineFor();
    await onClock(t, t.engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv0', pattern: 'randwrite', blockSizeBytes: 4096, iops: 1000, seed: 3 }));
    await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { rateBytesPerSec: 1024 * 1024, regionSizeSectors: 256 } }));
    await simSleep(t, 300);
    const { move } = await onClock(t, t.engine.handlers['move.state']({}));
    expect(move!.progress.bytesCopied).toBeLessThan(move!.progress.bytesTotal);
    await onClock(t, t.engine.handlers['move.control']({ action: 'abort' }));
    expect((await simEnd(t)).status).toBe('aborted');
    await onClock(t, t.engine.handlers['workload.stop']({}));
    await expectCleanEnd(t, BEFORE);
  });

  it('an abort while the copy is paused ends the move instead of hanging', async () => {
    const t = await engineFor();
    await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { rateBytesPerSec: 1024 * 1024, regionSizeSectors: 256 } }));
    await simSleep(t, 150);
    const paused = await onClock(t, t.engine.handlers['move.control']({ action: 'pause' }));
    expect(paused.status).toBe('paused');
    expect(paused.progress.paused).toBe(true);
    await onClock(t, t.engine.handlers['move.control']({ action: 'abort' }));
    expect((await simEnd(t)).status).toBe('aborted');
    await expectCleanEnd(t, BEFORE);
  });
});

describe('step mode and suspension', () => {
  it('reports waiting-step before each step and running after next, for all eight steps', async () => {
    const t = await engineFor();
    await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { stepMode: true } }));
    for (let n = 1; n <= 8; n += 1) {
      const waiting = await simStep(t, n);
      expect(waiting.steps.filter((s) => s.state === 'done').map((s) => stepNo(s))).toEqual([...Array(n - 1).keys()].map((k) => k + 1));
      // Before it runs, step 3's card already shows the identity + mirror table it will load.
      if (n === 3) expect(waiting.steps.find((s) => stepNo(s) === 3)!.commands.join('\n')).toMatch(/^ {2}12288 8192 mirror core 1 \d+ 2 254:1 12288 7:3 2048$/m);
      await onClock(t, t.engine.handlers['move.control']({ action: 'next' }));
    }
    expect((await simEnd(t)).status).toBe('done');
    await expectCleanEnd(t, AFTER);
  });

  it('a write issued while lv0 is suspended at step 1 waits, then completes after the resume of step 4', async () => {
    const t = await engineFor();
    await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { stepMode: true } }));
    await simStep(t, 1);
    await onClock(t, t.engine.handlers['move.control']({ action: 'next' }));
    await simStep(t, 2);
    const session = t.engine.session!;
    const sector = 7 * 2048; // inside the moving run (LE 7, on pv2)
    const writeId = session.nextWriteId++;
    let acknowledged = false;
    const write = session.lvDevice('vg0', 'lv0').write(sector, writeSectors(writeId, sector, 8)).then(() => (acknowledged = true));
    await simSleep(t, 100);
    expect(acknowledged).toBe(false);
    await onClock(t, t.engine.handlers['move.control']({ action: 'setStepMode', stepMode: false }));
    await onClock(t, write);
    session.shadowOf('vg0', 'lv0').recordWrite(writeId, sector, 8);
    expect((await simEnd(t)).status).toBe('done');
    await expectCleanEnd(t, AFTER);
  });
});

describe('progress', () => {
  it('bytesCopied never goes back and the last report says 100 %', async () => {
    const t = await engineFor();
    const reports: MoveProgressView[] = [];
    t.engine.subscribe((name, payload) => {
      if (name === 'move.progress') reports.push(payload as MoveProgressView);
    });
    await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { rateBytesPerSec: 8 * 1024 * 1024, regionSizeSectors: 256 } }));
    expect((await simEnd(t)).status).toBe('done');
    await simSleep(t, 50);
    expect(reports.length).toBeGreaterThan(3);
    for (let i = 1; i < reports.length; i += 1) expect(reports[i].bytesCopied).toBeGreaterThanOrEqual(reports[i - 1].bytesCopied);
    expect(reports.some((r) => r.bytesCopied > 0 && r.bytesCopied < r.bytesTotal)).toBe(true);
    const last = reports[reports.length - 1];
    expect(last.bytesCopied).toBe(4 * 1024 * 1024);
    expect(last.percent).toBe(100);
  });
});

describe('shapes of moves', () => {
  it('moves only PEs 1-2 of pv2 (pv2:1-2 → pv4), splitting lv0 around them', async () => {
    const t = await engineFor();
    await onClock(t, t.engine.handlers['move.start']({ request: { ...SEED_MOVE, sources: ['pv2:1-2'] }, options: {} }));
    expect((await simEnd(t)).status).toBe('done');
    await expectCleanEnd(t, ['pv1:0-5', 'pv2:0-0', 'pv4:0-1', 'pv2:3-3', 'pv3:0-4']);
  });

  it('moves pv2 onto a destination split over two PVs (pv4:0-1 and pv1:10-11)', async () => {
    const t = await engineFor();
    const plan = await onClock(t, t.engine.handlers['move.plan']({ ...SEED_MOVE, destinations: ['pv4:0-1', 'pv1:10-11'] }));
    expect(plan.moves.map((m) => `${m.toPv}:${m.toPe}+${m.count}`).sort()).toEqual(['pv1:10+2', 'pv4:0+2']);
    await onClock(t, t.engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv0', pattern: 'randwrite', blockSizeBytes: 4096, iops: 1000, seed: 9 }));
    await onClock(t, t.engine.handlers['move.start']({ request: { ...SEED_MOVE, destinations: ['pv4:0-1', 'pv1:10-11'] }, options: { rateBytesPerSec: 4 * 1024 * 1024, regionSizeSectors: 256 } }));
    expect((await simEnd(t)).error).toBeNull();
    await onClock(t, t.engine.handlers['workload.stop']({}));
    const view = await onClock(t, t.engine.handlers['workspace.view']({}));
    const layout = lvLayout(view, 'lv0');
    expect(layout[0]).toBe('pv1:0-5');
    expect(layout[layout.length - 1]).toBe('pv3:0-4');
    expect(layout.slice(1, -1).sort()).toEqual(['pv1:10-11', 'pv4:0-1']);
    await expectCleanEnd(t, layout);
  });

  it('moves two LVs off pv2 at once; after each LV’s step 7 the metadata is a valid move of the other', async () => {
    const t = await engineFor(TWO_LV_LAYOUT);
    await onClock(t, t.engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv1', pattern: 'randwrite', blockSizeBytes: 4096, iops: 1000, seed: 4 }));
    await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { stepMode: true, regionSizeSectors: 256 } }));
    const session = t.engine.session!;
    const checks: string[] = [];
    for (const lv of ['lv0', 'lv1']) {
      for (let n = 1; n <= 8; n += 1) {
        await simStep(t, n, lv);
        if (n === 8) {
          // Step 7 of `lv` committed: it left the layer, the other LV (if not done) is still in it.
          const vg = session.ws.getVg('vg0').vg;
          const move = readMove(vg);
          checks.push(`${lv}: ${move ? move.runs.map((r) => `${r.lv}@${r.layerLe}`).join(',') : 'none'}`);
          expect(vg.lvs.find((l) => l.name === lv)!.status).not.toContain('LOCKED');
        }
        await onClock(t, t.engine.handlers['move.control']({ action: 'next' }));
      }
    }
    expect(checks).toEqual(['lv0: lv1@0', 'lv1: none']);
    expect((await simEnd(t)).status).toBe('done');
    await onClock(t, t.engine.handlers['workload.stop']({}));
    const view = await onClock(t, t.engine.handlers['workspace.view']({}));
    expect(lvLayout(view, 'lv0')).toEqual(['pv1:0-2', 'pv4:0-2']);
    expect(lvLayout(view, 'lv1')).toEqual(['pv4:3-5', 'pv3:0-2']);
    expect(view.vgs[0].lvs.map((l) => l.name)).toEqual(['lv0', 'lv1']);
    const { devices } = await onClock(t, t.engine.handlers['dm.list']({}));
    expect(devices.map((d) => d.name).sort()).toEqual(['vg0-lv0', 'vg0-lv1']);
    for (const lv of ['lv0', 'lv1']) expect((await onClock(t, t.engine.handlers['verify.run']({ vg: 'vg0', lv }))).mismatches).toBe(0);
  });
});
