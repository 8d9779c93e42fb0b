// Proves the lvm2 stack runs a move as LVM2 2.03 does (lvm2-format.md §6), state for state,
// on in-memory images and the simulated clock: the step list the strategy gives, the dm
// tables at each phase (users onto vg0-pvmove0; pvmove0 with finished segments linear to the
// destination, the first unfinished one a `mirror core 1 <region> 2 …`, later ones linear to
// the source), the metadata after each commit (begin, one checkpoint per finished segment
// except the last, two finishing commits: the first leaves pvmove0 a plain hidden LV of one
// 1-extent error segment, as LVM2 2.03 writes it), the region size (4096 reduced to a power of two
// ≤ the segment), an abort that keeps checkpointed segments on the destination, a crash that
// re-copies the first unfinished segment from its start, and writes during the move.

import { afterEach, describe, expect, it } from 'vitest';
import type { MoveStateView } from '../../../app/api/move';
import { formatTable } from '../../../app/dm/table';
import type { MirrorSegment, VolumeGroup } from '../../../app/lvm/model/types';
import { TWO_LV_LAYOUT, lvLayout, memoryEngine, onClock, simEnd, simSleep, type TestEngine } from './harness';

const SEED_MOVE = { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' as const };

const open: TestEngine[] = [];
async function engineFor(layout = TWO_LV_LAYOUT) {
  const t = await memoryEngine(layout, 1, { simulated: true });
  open.push(t);
  return t;
}
afterEach(async () => {
  while (open.length) {
    const t = open.pop()!;
    await onClock(t, t.engine.dispose()).catch(() => undefined);
  }
});

function vgNow(t: TestEngine): VolumeGroup {
  return t.engine.session!.ws.getVg('vg0').vg;
}

async function tables(t: TestEngine): Promise<Record<string, string[]>> {
  const { devices } = await onClock(t, t.engine.handlers['dm.list']({}));
  return Object.fromEntries(devices.map((d) => [d.name, formatTable(d.live ?? [])]));
}

/** Waits (simulated time) until the move waits before step `id`. */
async function before(t: TestEngine, id: string): Promise<MoveStateView> {
  for (let waited = 0; waited <= 60_000; waited += 5) {
    const { move } = await onClock(t, t.engine.handlers['move.state']({}));
    if (move?.status === 'waiting-step' && move.step === id) return move;
    if (move && ['done', 'aborted', 'failed'].includes(move.status)) throw new Error(`the move ended (${move.status}: ${move.error}) before step ${id}`);
    await simSleep(t, 5);
  }
  throw new Error(`the move did not wait before ${id}`);
}

async function next(t: TestEngine): Promise<void> {
  await onClock(t, t.engine.handlers['move.control']({ action: 'next' }));
}

/** Lets each of these steps run in turn (step mode): waits before it, presses Next. */
async function through(t: TestEngine, ids: string[]): Promise<void> {
  for (const id of ids) {
    await before(t, id);
    await next(t);
  }
}

/** The move has left nothing behind: lv0 and lv1 only, on these layouts, active on their own tables, zero mismatches. */
async function expectSettled(t: TestEngine, lv0: string[], lv1: string[]): Promise<void> {
  const view = await onClock(t, t.engine.handlers['workspace.view']({}));
  expect(view.vgs[0].lvs.map((l) => l.name)).toEqual(['lv0', 'lv1']);
  expect(lvLayout(view, 'lv0')).toEqual(lv0);
  expect(lvLayout(view, 'lv1')).toEqual(lv1);
  expect(Object.keys(await tables(t))).toEqual(['vg0-lv0', 'vg0-lv1']);
  for (const lv of ['lv0', 'lv1']) expect((await onClock(t, t.engine.handlers['verify.run']({ vg: 'vg0', lv }))).mismatches).toBe(0);
}

function layerSegments(vg: VolumeGroup): Array<{ type: string; moved?: number; region?: number }> {
  const layer = vg.lvs.find((l) => l.name === 'pvmove0');
  return layer ? layer.segments.map((s) => ({ type: s.type, moved: (s as MirrorSegment).extentsMoved, region: (s as MirrorSegment).regionSizeSectors })) : [];
}

describe('the lvm2 stack', () => {
  it('moves two LVs through pvmove0 with LVM2 tables and commits at every phase', async () => {
    const t = await engineFor();
    const seqno0 = vgNow(t).seqno;
    const started = await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { stack: 'lvm2', stepMode: true } }));
    expect(started.stack).toBe('lvm2');
    expect(started.steps.map((s) => s.id)).toEqual(['preload', 'suspend', 'commit', 'resume', 'copy-1', 'checkpoint-1', 'copy-2', 'finish', 'remove-layer']);
    expect(started.steps.map((s) => s.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);

    await before(t, 'preload');
    await next(t);
    await before(t, 'suspend');
    // Preloaded: pvmove0 exists with an inactive table only, the users' new tables wait in
    // their inactive slots (onto pvmove0, which has no size yet); nothing is committed yet.
    expect(vgNow(t).seqno).toBe(seqno0);
    const { devices } = await onClock(t, t.engine.handlers['dm.list']({}));
    const layer = devices.find((d) => d.name === 'vg0-pvmove0');
    expect(layer?.live).toBeNull();
    expect(formatTable(layer?.inactive ?? [])).toEqual(['0 6144 mirror core 1 4096 2 7:1 2048 7:3 2048', '6144 6144 linear 7:1 8192']);
    expect(formatTable(devices.find((d) => d.name === 'vg0-lv1')?.inactive ?? [])).toEqual(['0 6144 linear 254:2 6144', '6144 6144 linear 7:2 2048']);
    await next(t);
    await before(t, 'commit');
    await next(t);
    await before(t, 'resume');
    expect(vgNow(t).seqno).toBe(seqno0 + 1);
    expect(layerSegments(vgNow(t))).toEqual([{ type: 'mirror', moved: 0, region: 4096 }, { type: 'mirror', moved: 0, region: 4096 }]);
    expect(vgNow(t).lvs.filter((l) => l.status.includes('LOCKED')).map((l) => l.name)).toEqual(['lv0', 'lv1', 'pvmove0']);
    await next(t);

    const copying1 = await before(t, 'copy-1');
    expect(await tables(t)).toEqual({
      'vg0-lv0': ['0 6144 linear 7:0 2048', '6144 6144 linear 254:2 0'],
      'vg0-lv1': ['0 6144 linear 254:2 6144', '6144 6144 linear 7:2 2048'],
      'vg0-pvmove0': ['0 6144 mirror core 1 4096 2 7:1 2048 7:3 2048', '6144 6144 linear 7:1 8192'],
    });
    expect(copying1.layer?.device).toBe('vg0-pvmove0');
    // pvmove0's live table mirrors segment 1 from the resume on.
    expect(copying1.layer?.segments.map((s) => `${s.index} ${s.lv} ${s.state}`)).toEqual(['1 lv0 mirroring', '2 lv1 waiting']);
    await next(t);

    const inSync = await before(t, 'checkpoint-1');
    // In sync but not checkpointed: pvmove0's table still mirrors segment 1.
    expect(inSync.layer?.segments.map((s) => s.state)).toEqual(['mirroring', 'waiting']);
    await next(t);
    const copying2 = await before(t, 'copy-2');
    expect(vgNow(t).seqno).toBe(seqno0 + 2);
    expect(layerSegments(vgNow(t))).toEqual([{ type: 'mirror', moved: 3, region: 4096 }, { type: 'mirror', moved: 0, region: 4096 }]);
    expect((await tables(t))['vg0-pvmove0']).toEqual(['0 6144 linear 7:3 2048', '6144 6144 mirror core 1 4096 2 7:1 8192 7:3 8192']);
    expect(copying2.layer?.segments.map((s) => s.state)).toEqual(['done', 'mirroring']);
    await next(t);

    await before(t, 'finish');
    // The last segment is in sync but never checkpointed: LVM2 finishes instead.
    expect(vgNow(t).seqno).toBe(seqno0 + 2);
    await next(t);
    const finishing = await before(t, 'remove-layer');
    expect(vgNow(t).seqno).toBe(seqno0 + 3);
    // The view keeps pvmove0's segments, all done, while its device waits for the second commit.
    expect(finishing.layer?.segments.map((s) => `${s.index} ${s.state}`)).toEqual(['1 done', '2 done']);
    expect(finishing.layer?.device).toBe('vg0-pvmove0');
    // As LVM2 2.03 writes it: pvmove0 is a plain hidden LV of one 1-extent error segment.
    expect(layerSegments(vgNow(t))).toEqual([{ type: 'error' }]);
    expect(vgNow(t).lvs.find((l) => l.name === 'pvmove0')?.status).toEqual(['READ', 'WRITE']);
    expect(vgNow(t).lvs.filter((l) => l.status.includes('LOCKED')).map((l) => l.name)).toEqual([]);
    expect(await tables(t)).toEqual({
      'vg0-lv0': ['0 6144 linear 7:0 2048', '6144 6144 linear 7:3 2048'],
      'vg0-lv1': ['0 6144 linear 7:3 8192', '6144 6144 linear 7:2 2048'],
      // pvmove0's device keeps its last table until the next step removes it (a real kernel
      // never shows it reloaded in between).
      'vg0-pvmove0': ['0 6144 linear 7:3 2048', '6144 6144 mirror core 1 4096 2 7:1 8192 7:3 8192'],
    });
    await next(t);

    const end = await simEnd(t);
    expect(end.status).toBe('done');
    expect(end.steps.every((s) => s.state === 'done')).toBe(true);
    expect(vgNow(t).seqno).toBe(seqno0 + 4);
    await expectSettled(t, ['pv1:0-2', 'pv4:0-2'], ['pv4:3-5', 'pv3:0-2']);
  });

  it('reduces the region size to the largest power of two not above a small segment, and writes 4096 in the metadata', async () => {
    const t = await engineFor();
    await onClock(t, t.engine.handlers['move.start']({ request: { ...SEED_MOVE, lv: 'lv0', maxSegmentSizeMiB: 1 }, options: { stack: 'lvm2', stepMode: true } }));
    await through(t, ['preload', 'suspend', 'commit', 'resume']);
    const copying = await before(t, 'copy-1');
    expect(copying.layer?.segments.map((s) => s.count)).toEqual([1, 1, 1]);
    expect(layerSegments(vgNow(t)).map((s) => s.region)).toEqual([4096, 4096, 4096]);
    expect((await tables(t))['vg0-pvmove0']).toEqual(['0 2048 mirror core 1 2048 2 7:1 2048 7:3 2048', '2048 2048 linear 7:1 4096', '4096 2048 linear 7:1 6144']);
    expect(copying.plan.command).toMatch(/--config allocation\/pvmove_max_segment_size_mb=1/);
    await onClock(t, t.engine.handlers['move.control']({ action: 'setStepMode', stepMode: false }));
    expect((await simEnd(t)).status).toBe('done');
  });

  it('aborts during the second segment with the first on the destination and the rest back on the source, in two commits', async () => {
    const t = await engineFor();
    await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { stack: 'lvm2', stepMode: true, rateBytesPerSec: 1024 * 1024 } }));
    await through(t, ['preload', 'suspend', 'commit', 'resume', 'copy-1', 'checkpoint-1', 'copy-2']);
    const seqno = vgNow(t).seqno;
    // One 2 MiB region of segment 2 copies in 2 s at 1 MiB/s.
    await simSleep(t, 2500);
    const mid = (await onClock(t, t.engine.handlers['move.state']({}))).move!;
    expect(mid.step).toBe('copy-2');
    expect(mid.layer?.segments.map((s) => s.state)).toEqual(['done', 'mirroring']);
    expect(mid.progress.crashCostBytes).toBeGreaterThan(0);
    await onClock(t, t.engine.handlers['move.control']({ action: 'abort' }));
    const end = await simEnd(t);
    expect(end.status).toBe('aborted');
    expect(vgNow(t).seqno).toBe(seqno + 2);
    await expectSettled(t, ['pv1:0-2', 'pv4:0-2'], ['pv2:3-5', 'pv3:0-2']);
  });

  it('after a crash past the first checkpoint, resumes by activating pvmove0 and copies the second segment again from its start', async () => {
    const t = await engineFor();
    await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { stack: 'lvm2', stepMode: true, rateBytesPerSec: 1024 * 1024 } }));
    await through(t, ['preload', 'suspend', 'commit', 'resume', 'copy-1', 'checkpoint-1', 'copy-2']);
    await simSleep(t, 2500);
    const atCrash = (await onClock(t, t.engine.handlers['move.state']({}))).move!;
    expect(atCrash.progress.mirrors[0].regionsCopied).toBeGreaterThan(0);
    // The process dies: nothing more reaches the images; then the folder is opened again.
    await onClock(t, (t.engine as unknown as { crash(): Promise<boolean> }).crash());
    const view = await onClock(t, t.engine.handlers['workspace.open']({ path: 'mem:/demo' }));
    expect(view.vgs[0].moveInProgress?.extentsMoved).toBe(3);
    // Every region the resumed move copies, by pvmove0 target.
    const copied = new Map<number, Set<number>>();
    t.engine.subscribe((name, payload) => {
      const e = payload as { type?: string; device?: string; targetIndex?: number; start?: number; count?: number; state?: string };
      if (name === 'dm.event' && e.type === 'region-range' && e.device === 'vg0-pvmove0' && e.state === 'copied') {
        const regions = copied.get(e.targetIndex!) ?? new Set();
        for (let r = e.start!; r < e.start! + e.count!; r++) regions.add(r);
        copied.set(e.targetIndex!, regions);
      }
    });
    const resumed = await onClock(t, t.engine.handlers['move.resume']({ vg: 'vg0', options: { stack: 'lvm2', stepMode: true } }));
    expect(resumed.steps.map((s) => s.id)).toEqual(['preload', 'suspend', 'resume', 'copy-2', 'finish', 'remove-layer']);
    expect(resumed.steps[0].name).toBe('Activate pvmove0 from the metadata');
    await through(t, ['preload', 'suspend', 'resume']);
    await before(t, 'copy-2');
    expect((await tables(t))['vg0-pvmove0']).toEqual(['0 6144 linear 7:3 2048', '6144 6144 mirror core 1 4096 2 7:1 8192 7:3 8192']);
    await onClock(t, t.engine.handlers['move.control']({ action: 'setStepMode', stepMode: false }));
    expect((await simEnd(t)).status).toBe('done');
    // A fresh core log: both regions of segment 2 were copied again, segment 1 not at all.
    expect([...copied.keys()]).toEqual([1]);
    expect([...copied.get(1)!].sort()).toEqual([0, 1]);
    const end = await onClock(t, t.engine.handlers['workspace.view']({}));
    expect(lvLayout(end, 'lv0')).toEqual(['pv1:0-2', 'pv4:0-2']);
    expect(lvLayout(end, 'lv1')).toEqual(['pv4:3-5', 'pv3:0-2']);
    for (const lv of ['lv0', 'lv1']) expect((await onClock(t, t.engine.handlers['verify.run']({ vg: 'vg0', lv }))).mismatches).toBe(0);
  });

  it('after a crash between the two finishing commits, reports the empty pvmove0 LVM2 left, refuses a new move, and a resume removes it', async () => {
    const t = await engineFor();
    const started = await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { stack: 'lvm2', stepMode: true } }));
    await through(t, started.steps.slice(0, -1).map((s) => s.id));
    await before(t, 'remove-layer');
    await onClock(t, (t.engine as unknown as { crash(): Promise<boolean> }).crash());
    const view = await onClock(t, t.engine.handlers['workspace.open']({ path: 'mem:/demo' }));
    expect(view.vgs[0].moveInProgress?.summary).toMatch(/between its two finishing commits: every LV already sits on its destination and only the empty pvmove0 is left/);
    expect(lvLayout(view, 'lv0')).toEqual(['pv1:0-2', 'pv4:0-2']);
    await expect(onClock(t, t.engine.handlers['move.plan']({ vg: 'vg0', sources: ['pv1'], destinations: [], alloc: 'normal' }))).rejects.toThrow(/left its empty layer pvmove0 in vg0; resume it \(pvmove\) to remove the layer/);
    const resumed = await onClock(t, t.engine.handlers['move.resume']({ vg: 'vg0', options: { stack: 'lvm2' } }));
    expect(resumed.steps.map((s) => s.id)).toEqual(['remove-layer']);
    expect((await simEnd(t)).status).toBe('done');
    const end = await onClock(t, t.engine.handlers['workspace.view']({}));
    expect(end.vgs[0].lvs.map((l) => l.name)).toEqual(['lv0', 'lv1']);
    expect(end.vgs[0].moveInProgress).toBeNull();
  });

  it('keeps every write made during the move (random writes on lv1, which waits as segment 2 while segment 1 copies; zero mismatches)', async () => {
    const t = await engineFor();
    await onClock(t, t.engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv1', pattern: 'randwrite', blockSizeBytes: 4096, iops: 500, seed: 4 }));
    await onClock(t, t.engine.handlers['move.start']({ request: SEED_MOVE, options: { stack: 'lvm2', rateBytesPerSec: 2 * 1024 * 1024 } }));
    const end = await simEnd(t);
    await onClock(t, t.engine.handlers['workload.stop']({}));
    expect(end.status).toBe('done');
    expect(end.progress.percent).toBe(100);
    for (const lv of ['lv0', 'lv1']) expect((await onClock(t, t.engine.handlers['verify.run']({ vg: 'vg0', lv }))).mismatches).toBe(0);
  });

  describe('--atomic', () => {
    const ATOMIC = { ...SEED_MOVE, atomic: true };

    it('mirrors all of pvmove0 at once over pvmove0_mimage_0/1 and finishes both LVs together', async () => {
      const t = await engineFor();
      const seqno0 = vgNow(t).seqno;
      const started = await onClock(t, t.engine.handlers['move.start']({ request: ATOMIC, options: { stack: 'lvm2', stepMode: true } }));
      expect(started.steps.map((s) => s.id)).toEqual(['preload', 'suspend', 'commit', 'resume', 'copy-1', 'detach', 'release-images', 'finish', 'remove-layer']);
      expect(started.plan.command).toMatch(/^pvmove --atomic /);
      await through(t, ['preload', 'suspend', 'commit', 'resume']);
      const copying = await before(t, 'copy-1');
      const vg = vgNow(t);
      expect(vg.seqno).toBe(seqno0 + 1);
      expect(vg.lvs.map((l) => `${l.name} ${l.status.join(',')}`)).toEqual(['lv0 READ,WRITE,VISIBLE,LOCKED', 'lv1 READ,WRITE,VISIBLE,LOCKED', 'pvmove0 READ,WRITE,PVMOVE,LOCKED', 'pvmove0_mimage_0 READ,WRITE', 'pvmove0_mimage_1 READ,WRITE']);
      const layer = vg.lvs.find((l) => l.name === 'pvmove0')!.segments as MirrorSegment[];
      expect(layer.map((m) => [m.extentCount, m.mirrors.map((a) => (a.kind === 'lv' ? `${a.lvName}:${a.le}` : a.pvId))])).toEqual([[6, ['pvmove0_mimage_0:0', 'pvmove0_mimage_1:0']]]);
      expect(await tables(t)).toEqual({
        'vg0-lv0': ['0 6144 linear 7:0 2048', '6144 6144 linear 254:4 0'],
        'vg0-lv1': ['0 6144 linear 254:4 6144', '6144 6144 linear 7:2 2048'],
        'vg0-pvmove0_mimage_0': ['0 6144 linear 7:1 2048', '6144 6144 linear 7:1 8192'],
        'vg0-pvmove0_mimage_1': ['0 6144 linear 7:3 2048', '6144 6144 linear 7:3 8192'],
        'vg0-pvmove0': ['0 12288 mirror core 1 4096 2 254:2 0 254:3 0'],
      });
      expect(copying.layer?.atomic).toBe(true);
      await through(t, ['copy-1', 'detach']);
      // LVM2's finish of an atomic move, as a real kernel's trace shows it: pvmove0 linear on
      // the destinations and last in the list, the images detached and visible, _1 an error.
      await before(t, 'release-images');
      const detached = vgNow(t);
      expect(detached.seqno).toBe(seqno0 + 2);
      expect(detached.lvs.map((l) => `${l.name} ${l.status.join(',')}`)).toEqual(['lv0 READ,WRITE,VISIBLE,LOCKED', 'lv1 READ,WRITE,VISIBLE,LOCKED', 'pvmove0_mimage_0 READ,WRITE,VISIBLE', 'pvmove0_mimage_1 READ,WRITE,VISIBLE', 'pvmove0 READ,WRITE,PVMOVE,LOCKED']);
      expect(await tables(t)).toEqual({
        'vg0-lv0': ['0 6144 linear 7:0 2048', '6144 6144 linear 254:4 0'],
        'vg0-lv1': ['0 6144 linear 254:4 6144', '6144 6144 linear 7:2 2048'],
        'vg0-pvmove0_mimage_0': ['0 6144 linear 7:1 2048', '6144 6144 linear 7:1 8192'],
        'vg0-pvmove0_mimage_1': ['0 12288 error '],
        'vg0-pvmove0': ['0 6144 linear 7:3 2048', '6144 6144 linear 7:3 8192'],
      });
      await onClock(t, t.engine.handlers['move.control']({ action: 'setStepMode', stepMode: false }));
      expect((await simEnd(t)).status).toBe('done');
      // No checkpoint: begin, detach, the detached state again, the source image dropped, then the two finishing commits.
      expect(vgNow(t).seqno).toBe(seqno0 + 6);
      await expectSettled(t, ['pv1:0-2', 'pv4:0-2'], ['pv4:3-5', 'pv3:0-2']);
    });

    it('puts everything back on the source when aborted, and a crash resumes on the lvm2 stack from the start of the one mirror', async () => {
      const t = await engineFor();
      await onClock(t, t.engine.handlers['workload.start']({ vg: 'vg0', lv: 'lv1', pattern: 'randwrite', blockSizeBytes: 4096, iops: 300, seed: 7 }));
      await onClock(t, t.engine.handlers['move.start']({ request: ATOMIC, options: { stack: 'lvm2', rateBytesPerSec: 1024 * 1024 } }));
      await simSleep(t, 4000);
      await onClock(t, t.engine.handlers['workload.stop']({}));
      const mid = (await onClock(t, t.engine.handlers['move.state']({}))).move!;
      expect(mid.step).toBe('copy-1');
      expect(mid.progress.crashCostBytes).toBeGreaterThanOrEqual(2 * 1024 * 1024);
      await onClock(t, (t.engine as unknown as { crash(): Promise<boolean> }).crash());
      const view = await onClock(t, t.engine.handlers['workspace.open']({ path: 'mem:/demo' }));
      expect(view.vgs[0].moveInProgress?.lvs).toEqual(['lv0', 'lv1']);
      // Not told which stack: an atomic move is LVM2's own and resumes on the lvm2 stack.
      const resumed = await onClock(t, t.engine.handlers['move.resume']({ vg: 'vg0', options: { stepMode: true } }));
      expect(resumed.stack).toBe('lvm2');
      expect(resumed.steps.map((s) => s.id)).toEqual(['preload', 'suspend', 'resume', 'copy-1', 'detach', 'release-images', 'finish', 'remove-layer']);
      await through(t, ['preload', 'suspend', 'resume']);
      await before(t, 'copy-1');
      await onClock(t, t.engine.handlers['move.control']({ action: 'abort' }));
      expect((await simEnd(t)).status).toBe('aborted');
      await expectSettled(t, ['pv1:0-2', 'pv2:0-2'], ['pv2:3-5', 'pv3:0-2']);
    });

    it('after a crash once the mirror is detached, resumes with what is left of LVM2\'s finish: the images released, then the two finishing commits', async () => {
      const t = await engineFor();
      const started = await onClock(t, t.engine.handlers['move.start']({ request: ATOMIC, options: { stack: 'lvm2', stepMode: true } }));
      await through(t, started.steps.slice(0, started.steps.findIndex((s) => s.id === 'release-images')).map((s) => s.id));
      await before(t, 'release-images');
      await onClock(t, (t.engine as unknown as { crash(): Promise<boolean> }).crash());
      const view = await onClock(t, t.engine.handlers['workspace.open']({ path: 'mem:/demo' }));
      expect(view.vgs[0].moveInProgress?.extentsMoved).toBe(6);
      // Everything already reads from the destinations.
      expect((await tables(t))['vg0-lv0']).toEqual(['0 6144 linear 7:0 2048', '6144 6144 linear 7:3 2048']);
      const resumed = await onClock(t, t.engine.handlers['move.resume']({ vg: 'vg0', options: {} }));
      expect(resumed.steps.map((s) => s.id)).toEqual(['release-images', 'finish', 'remove-layer']);
      expect((await simEnd(t)).status).toBe('done');
      const end = await onClock(t, t.engine.handlers['workspace.view']({}));
      expect(end.vgs[0].lvs.map((l) => l.name)).toEqual(['lv0', 'lv1']);
      expect(lvLayout(end, 'lv0')).toEqual(['pv1:0-2', 'pv4:0-2']);
      expect(lvLayout(end, 'lv1')).toEqual(['pv4:3-5', 'pv3:0-2']);
      for (const lv of ['lv0', 'lv1']) expect((await onClock(t, t.engine.handlers['verify.run']({ vg: 'vg0', lv }))).mismatches).toBe(0);
    });

    it('is refused on the outline stack and with a max segment size, changing nothing', async () => {
      const t = await engineFor();
      const before = t.snapshot();
      await expect(onClock(t, t.engine.handlers['move.start']({ request: ATOMIC, options: { stack: 'outline' } }))).rejects.toThrow(/An --atomic move runs on the lvm2 stack .*Choose the lvm2 stack\./);
      await expect(onClock(t, t.engine.handlers['move.start']({ request: { ...ATOMIC, maxSegmentSizeMiB: 1 }, options: { stack: 'lvm2' } }))).rejects.toThrow(/--atomic moves everything as one mirror segment, so --max-segment-size does not apply/);
      const after = t.snapshot();
      expect([...before.keys()].filter((name) => Buffer.compare(before.get(name)!, after.get(name)!) !== 0)).toEqual([]);
      expect((await onClock(t, t.engine.handlers['move.state']({}))).move).toBeNull();
    });
  });
});
