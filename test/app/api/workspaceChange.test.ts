// Proves that `workspace.changed` carries what changed and nothing is lost (issue 20): a window
// that starts from one view and applies every change the engine sends ends with exactly the
// view the engine would give it whole — after lvcreate, lvextend, lvremove and at every commit
// of a pvmove (its start, each checkpoint, its end) — and that the change of a commit in a VG
// of a thousand LVs is the size of what the commit touched (two LVs, a few runs of two PVs),
// not of the VG.
import { describe, expect, it } from 'vitest';
import { applyList, applyPvs, applyWorkspaceChange, diffList, diffPvs, diffWorkspace, type WorkspaceChange } from '../../../app/api/workspaceChange';
import type { WorkspaceView } from '../../../app/api/views';
import { Engine } from '../../../app/engine';
import { SeededRandom } from '../../../app/base/clock';
import { KiB, MiB } from '../../../app/base/units';
import { LvmWorkspace } from '../../../app/lvm/workspace/workspace';
import { pvcreate, vgcreate } from '../../../app/lvm/commands/index';
import { commitVg } from '../../../app/lvm/workspace/vgCommit';
import { cloneVg, type LogicalVolume } from '../../../app/lvm/model/types';
import { newUuid } from '../../../app/lvm/commands/names';
import { simEngine, type SimEngine } from '../../helpers/recordedMove';
import { withoutViewCaches } from '../../../app/session/views';
import { SimClock } from '../../sim/clock';
import { MemoryWorkspaceStorage } from '../../sim/memory';

/**
 * Follows the engine as a window does: from the view `workspace.view` answers, applying each
 * change as it is emitted, and checking it against the whole view the engine has at that moment.
 */
function follow(t: SimEngine, start: WorkspaceView) {
  let view = start;
  const changes: WorkspaceChange[] = [];
  const mismatches: string[] = [];
  t.engine.subscribe((name, payload) => {
    if (name !== 'workspace.changed') return;
    const change = payload as WorkspaceChange;
    changes.push(change);
    view = applyWorkspaceChange(view, change);
    const open = t.engine.open();
    const whole = { ...open.session.view(open.moves.vg), revision: change.revision };
    if (JSON.stringify(sorted(view)) !== JSON.stringify(sorted(whole))) mismatches.push(`revision ${change.revision}`);
    // The engine builds its views against the last one (app/session/views.ts VgViewCache): built
    // whole, from nothing, the view must be the same.
    const rebuilt = { ...withoutViewCaches(() => open.session.view(open.moves.vg)), revision: change.revision };
    if (JSON.stringify(sorted(rebuilt)) !== JSON.stringify(sorted(whole))) mismatches.push(`revision ${change.revision} (built against the last view)`);
  });
  return { changes, mismatches, view: () => view };
}

/** The view with its object keys in one order, to compare two views byte for byte. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])]));
}

describe('workspace changes', () => {
  it('rebuild exactly the whole view after lvcreate, lvextend, lvremove and every commit of a pvmove', async () => {
    const t = await simEngine();
    const h = t.engine.handlers;
    const first = await t.run(h['workspace.view']({}));
    const window = follow(t, first);
    await t.run(h['lvm.command']({ op: 'lvcreate', vg: 'vg0', name: 'lv1', extents: 3, pvs: ['pv4.img'] }));
    await t.run(h['lvm.command']({ op: 'lvcreate', vg: 'vg0', name: 'lv2', extents: 2, pvs: ['pv3.img'] }));
    await t.run(h['lvm.command']({ op: 'lvextend', vg: 'vg0', lv: 'lv1', byExtents: 2, pvs: ['pv3.img'] }));
    await t.run(h['lvm.command']({ op: 'lvremove', vg: 'vg0', lv: 'lv2' }));
    const beforeMove = window.changes.length;
    await t.run(h['move.start']({ request: { vg: 'vg0', sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, options: { rateBytesPerSec: 0, regionSizeSectors: 128 } }));
    await t.run(t.engine.open().moves.whenFinished());
    const whole = await t.run(h['workspace.view']({}));

    expect(window.mismatches).toEqual([]);
    // lvcreate ×2, lvextend, lvremove; then the move's commits: pvmove0 in, a checkpoint per segment, pvmove0 out.
    expect(beforeMove).toBe(4);
    expect(window.changes.length - beforeMove).toBeGreaterThanOrEqual(3);
    expect(window.view()).toEqual(whole);
    expect(whole.revision).toBe(window.changes.at(-1)!.revision);
    // Each change applies to the revision before it, without a gap.
    window.changes.forEach((c, i) => expect(c.base).toBe(i === 0 ? first.revision : window.changes[i - 1].revision));
    await t.run(t.engine.dispose());
  }, 60_000);

  it('rebuild exactly the whole view after lvrename, lvreduce, vgextend, vgreduce, an aborted move and an atomic lvm2 move', async () => {
    const t = await simEngine();
    const h = t.engine.handlers;
    const first = await t.run(h['workspace.view']({}));
    const window = follow(t, first);
    const vg = first.vgs[0];
    const lv = vg.lvs.find((l) => !l.hidden)!;
    await t.run(h['lvm.command']({ op: 'lvcreate', vg: vg.name, name: 'spare', extents: 4, pvs: ['pv4.img'] }));
    await t.run(h['lvm.command']({ op: 'lvrename', vg: vg.name, lv: 'spare', newName: 'spare2' }));
    await t.run(h['lvm.command']({ op: 'lvreduce', vg: vg.name, lv: 'spare2', byExtents: 1 }));
    await t.run(h['lvm.command']({ op: 'pvcreate', image: 'extra.img', sizeBytes: 16 * MiB }));
    await t.run(h['lvm.command']({ op: 'vgextend', vg: vg.name, images: ['extra.img'] }));
    await t.run(h['lvm.command']({ op: 'lvextend', vg: vg.name, lv: 'spare2', byExtents: 2, pvs: ['extra.img'] }));
    await t.run(h['lvm.command']({ op: 'lvremove', vg: vg.name, lv: 'spare2' }));
    await t.run(h['lvm.command']({ op: 'vgreduce', vg: vg.name, pvs: ['extra.img'] }));
    const source = lv.segments[0].areas[0].target;
    const destination = vg.pvs.find((p) => p.name !== source && p.allocatedCount === 0)?.name ?? vg.pvs.find((p) => p.name !== source)!.name;
    const request = { vg: vg.name, lv: lv.name, sources: [source], destinations: [destination], alloc: 'normal' as const };
    await t.run(h['move.start']({ request, options: { stepMode: true, regionSizeSectors: 128 } }));
    for (let step = 0; step < 40 && !window.changes.some((c) => c.vgs[0].lvs.changed.some((x) => x.item.name === 'pvmove0')); step++) {
      await t.run(h['move.control']({ action: 'next' }));
      await t.sleep(50);
    }
    await t.run(h['move.control']({ action: 'abort' }));
    await t.run(t.engine.open().moves.whenFinished());
    await t.run(h['move.start']({ request: { ...request, atomic: true }, options: { stack: 'lvm2', rateBytesPerSec: 0, regionSizeSectors: 128 } }));
    await t.run(t.engine.open().moves.whenFinished());
    const whole = await t.run(h['workspace.view']({}));

    expect(window.mismatches).toEqual([]);
    expect(window.changes.length).toBeGreaterThanOrEqual(12);
    expect(window.view()).toEqual(whole);
    expect(whole.vgs[0].lvs.find((l) => l.name === lv.name)!.segments.some((s) => s.areas.some((a) => a.target === destination))).toBe(true);
    await t.run(t.engine.dispose());
  }, 60_000);

  it('sends only what a commit touched: a pvmove start in a VG of 1,000 LVs is under 4 KiB, not the 1.3 MB view', async () => {
    const t = await manyLvEngine(1000);
    const h = t.engine.handlers;
    const first = await t.run(h['workspace.view']({}));
    const window = follow(t, first);
    await t.run(h['move.start']({ request: { vg: 'manyvg', lv: 'lv7', sources: ['pv2'], destinations: ['pv8'], alloc: 'normal' }, options: { stepMode: true } }));
    // Step by step up to the first commit (pvmove0 inserted, nothing copied yet).
    for (let step = 0; step < 20 && window.changes.length === 0; step++) {
      await t.run(h['move.control']({ action: 'next' }));
      await t.sleep(50);
    }
    const change = window.changes[0];
    const wholeBytes = JSON.stringify(first).length;
    const changeBytes = JSON.stringify(change).length;

    expect(window.mismatches).toEqual([]);
    // lv7 (its segment on pv2 now on pvmove0) and pvmove0 itself; the source and destination PVs.
    expect(change.vgs[0].lvs.changed.map((c) => c.item.name).sort()).toEqual(['lv7', 'pvmove0']);
    // The source PV as a splice of the run that changed, not its ~700 runs; the destination,
    // free before, whole (two runs).
    const pvs = change.vgs[0].pvs;
    expect(pvs.spliced?.map((c) => c.pv.name)).toEqual(['pv2']);
    expect(pvs.spliced?.[0].runs.insert.length).toBeLessThanOrEqual(3);
    expect(pvs.changed.map((c) => [c.item.name, c.item.runs.length])).toEqual([['pv8', 2]]);
    expect(wholeBytes).toBeGreaterThan(1_000_000);
    expect(changeBytes).toBeLessThan(4096);
    await t.run(h['move.control']({ action: 'abort' }));
    await t.run(t.engine.open().moves.whenFinished());
    await t.run(t.engine.dispose());
  }, 60_000);

  it('builds again only the LVs and PVs a commit changed: every other view is the same object as before the commit', async () => {
    const t = await manyLvEngine(200);
    const h = t.engine.handlers;
    // The engine's own views (a handler's answer is a checked copy).
    const view = () => t.engine.open().session.view(t.engine.open().moves.vg);
    const before = view();
    const seqnos: number[] = [];
    t.engine.subscribe((name) => name === 'workspace.changed' && seqnos.push(view().vgs[0].seqno));
    await t.run(h['move.start']({ request: { vg: 'manyvg', lv: 'lv7', sources: ['pv2'], destinations: ['pv8'], alloc: 'normal' }, options: { stepMode: true } }));
    // Step by step up to the first commit (pvmove0 inserted, nothing copied yet).
    for (let step = 0; step < 20 && seqnos.length === 0; step++) {
      await t.run(h['move.control']({ action: 'next' }));
      await t.sleep(50);
    }
    const after = view();
    const [was, now] = [before.vgs[0], after.vgs[0]];
    const old = new Map(was.lvs.map((lv) => [lv.name, lv]));
    const rebuiltLvs = now.lvs.filter((lv) => lv !== old.get(lv.name)).map((lv) => lv.name);
    const rebuiltPvs = now.pvs.filter((pv, i) => pv !== was.pvs[i]).map((pv) => pv.name);

    expect(now.seqno).toBe(was.seqno + 1);
    expect(rebuiltLvs.sort()).toEqual(['lv7', 'pvmove0']);
    expect(rebuiltPvs).toEqual(['pv2', 'pv8']);
    await t.run(h['move.control']({ action: 'abort' }));
    await t.run(t.engine.open().moves.whenFinished());
    await t.run(t.engine.dispose());
  }, 60_000);

  it('keeps the objects of the LVs and PVs a change leaves alone', () => {
    const lv = (name: string, extents: number) => ({ name, extents });
    const before = [lv('a', 1), lv('b', 2), lv('c', 3)];
    const after = [lv('a', 1), lv('c', 4), lv('d', 1)];
    const change = diffList(before, after);
    const applied = applyList(before, change);

    expect(change).toEqual({ removed: ['b'], changed: [{ at: 1, item: lv('c', 4) }, { at: 2, item: lv('d', 1) }] });
    expect(applied).toEqual(after);
    expect(applied[0]).toBe(before[0]);
  });

  it('sends a PV whose runs changed in one place as that splice, and rebuilds the same runs from it', () => {
    const run = (startPe: number, lv: string | null, moving: 'source' | null = null) => ({ startPe, count: 10, lv, le: lv ? 0 : null, moving });
    const pv = (runs: ReturnType<typeof run>[]) => ({ name: 'pv1', image: 'pv1.img', pvSection: 'pv0', uuid: 'u', devno: '7:0', sizeBytes: 1, peStartSectors: 2048, peCount: 40, allocatedCount: 30, allocatable: true, missing: false, runs });
    const before = [pv([run(0, 'a'), run(10, 'b'), run(20, 'c'), run(30, null)])];
    const after = [pv([run(0, 'a'), run(10, 'b', 'source'), run(20, 'c'), run(30, null)])];
    const change = diffPvs(before, after);

    expect(change.changed).toEqual([]);
    expect(change.spliced).toEqual([{ at: 0, pv: expect.objectContaining({ name: 'pv1' }), runs: { start: 1, remove: 1, insert: [run(10, 'b', 'source')] } }]);
    expect(applyPvs(before, change)).toEqual(after);
    expect(() => applyPvs([pv([run(0, 'a')])], change)).toThrow(/the runs of pv1 do not fit/);
  });

  it('rebuilds a list whose unchanged items changed their order', () => {
    const before = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];
    const after = [{ name: 'c' }, { name: 'a' }, { name: 'b' }];
    expect(applyList(before, diffList(before, after))).toEqual(after);
  });

  it('refuses a change made against another revision rather than show a wrong view', () => {
    const view: WorkspaceView = { path: '/ws', revision: 3, images: [], vgs: [], problems: [] };
    const change = diffWorkspace(view, { ...view, problems: [{ severity: 'warning', message: 'x' }] }, 3, 4);
    expect(applyWorkspaceChange(view, change).problems).toHaveLength(1);
    expect(() => applyWorkspaceChange({ ...view, revision: 2 }, change)).toThrow(/applies to revision 3, not 2/);
    expect(applyWorkspaceChange({ ...view, revision: 2 }, diffWorkspace(null, view, 0, 5))).toEqual({ ...view, revision: 5 });
  });
});

/**
 * An engine with `manyvg` open: 8 PVs, 4 KiB extents, `lvs` LVs of 5 one-extent segments on 5
 * different PVs (as bench/bigVg.ts builds the big VG, in memory), pv8 left free.
 */
async function manyLvEngine(lvs: number): Promise<SimEngine> {
  const path = 'mem:/many';
  const storage = new MemoryWorkspaceStorage(path);
  const clock = new SimClock();
  const random = new SeededRandom(11);
  const options = { holder: 'test', clock, random, hostname: 'test-host', unixTime: () => 1_700_000_000 };
  const images = Array.from({ length: 8 }, (_, i) => `pv${i + 1}.img`);
  const build = async () => {
    const ws = await LvmWorkspace.open(storage, options);
    for (const image of images) await pvcreate(ws, { image, sizeBytes: 8 * MiB + (Math.ceil((lvs * 5) / 7) + 64) * 4 * KiB, metadataSizeBytes: 4 * MiB });
    await vgcreate(ws, { name: 'manyvg', images, extentSizeBytes: 4 * KiB });
    const vg = cloneVg(ws.getVg('manyvg').vg);
    const nextPe = new Array<number>(7).fill(0);
    for (let i = 0; i < lvs; i++) {
      const lv: LogicalVolume = { name: `lv${i}`, id: newUuid(random), status: ['READ', 'WRITE', 'VISIBLE'], flags: [], creationTime: 1_700_000_000, creationHost: 'test-host', segments: [], extra: [] };
      for (let seg = 0; seg < 5; seg++) {
        const pv = (i * 5 + seg) % 7;
        lv.segments.push({ type: 'striped', startExtent: seg, extentCount: 1, stripes: [{ kind: 'pv', pvId: vg.pvs[pv].id, pe: nextPe[pv]++ }], extra: [] });
      }
      vg.lvs.push(lv);
    }
    await commitVg(ws, vg, { command: 'test build' });
    await ws.close();
  };
  await clock.run(build());
  const engine = new Engine({ kind: 'test', clock, random, hostname: 'test-host', unixTime: () => 1_700_000_000, storage: () => storage, workspace: () => ({ path, recent: [] }) });
  await clock.run(engine.handlers['workspace.open']({ path }));
  return { engine, clock, path, run: (p) => clock.run(p), sleep: (ms) => clock.run(new Promise<void>((resolve) => clock.setTimer(ms, resolve))) };
}
