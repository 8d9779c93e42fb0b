// Proves the move planner and the on-disk move states against real LVM2 bytes: planning
// `pvmove pv2 pv4` on the seed fixture and applying beginMove yields exactly the LVs and the
// pvmove0 layer that real LVM2 wrote in the seed-pvmove-interrupted fixture; finishing puts
// lv0 on pv1 | pv4 | pv3; aborting restores the seed; bad requests are refused with a sentence.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseVgText } from '../../../app/lvm/model/vgCodec';
import type { VolumeGroup } from '../../../app/lvm/model/types';
import { planMove, type PvNames } from '../../../app/pvmove/plan';
import { beginMove, checkpoint, readMove, resolveLv } from '../../../app/pvmove/layout';
import { LvmscopeError } from '../../../app/base/result';

function fixtureVg(name: string): VolumeGroup {
  return parseVgText(readFileSync(new URL(`../../fixtures/lvm2/${name}/vgcfgbackup.txt`, import.meta.url), 'utf8')).vg;
}

/** In the fixtures, metadata section pvN is the image pv(N+1).img. */
function namesFor(vg: VolumeGroup): PvNames {
  return {
    nameOf: (id) => `pv${Number(vg.pvs.find((p) => p.id === id)!.key.slice(2)) + 1}`,
    idOf: (name) => vg.pvs.find((p) => `pv${Number(p.key.slice(2)) + 1}` === name)?.id,
  };
}

/** An LV's segments as `pvN:first-last` (or `pvmove0:first-last`) strings, PV names as images. */
function layout(vg: VolumeGroup, lvName: string): string[] {
  const names = namesFor(vg);
  const lv = vg.lvs.find((l) => l.name === lvName)!;
  return lv.segments.map((s) => {
    const areas = 'stripes' in s ? s.stripes : 'mirrors' in s ? s.mirrors : [];
    return areas
      .map((a) => (a.kind === 'pv' ? `${names.nameOf(a.pvId)}:${a.pe}-${a.pe + s.extentCount - 1}` : `${a.lvName}:${a.le}-${a.le + s.extentCount - 1}`))
      .join(' ');
  });
}

const layer = { id: 'abcdefghijklmnopqrstuvwxyz012345', creationTime: 1, creationHost: 'test' };

describe('planning and the on-disk states of a move', () => {
  const seed = fixtureVg('seed');
  const interrupted = fixtureVg('seed-pvmove-interrupted');

  it('plans pvmove pv2 pv4 on the seed as LVM2 does', () => {
    const plan = planMove(seed, { sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, namesFor(seed));
    expect(plan.moves).toHaveLength(1);
    expect(plan.moves[0]).toMatchObject({ lv: 'lv0', startLe: 6, count: 4, fromPe: 0, toPe: 0 });
    expect(plan.command).toBe('pvmove /dev/pv2 /dev/pv4');
  });

  it('writes the same in-progress layout as real LVM2 (LOCKED lv0 on pvmove0, mirror pv2 → pv4)', () => {
    const plan = planMove(seed, { sources: ['pv2'], destinations: ['pv4'], alloc: 'normal' }, namesFor(seed));
    const ours = beginMove(seed, plan.moves, 4096, layer);
    expect(layout(ours, 'lv0')).toEqual(layout(interrupted, 'lv0'));
    expect(layout(ours, 'pvmove0')).toEqual(layout(interrupted, 'pvmove0'));
    const lv0 = ours.lvs.find((l) => l.name === 'lv0')!;
    expect(lv0.status).toEqual(interrupted.lvs.find((l) => l.name === 'lv0')!.status);
    const pm = ours.lvs.find((l) => l.name === 'pvmove0')!;
    const real = interrupted.lvs.find((l) => l.name === 'pvmove0')!;
    expect(pm.status).toEqual(real.status);
    expect(pm.segments).toEqual(real.segments.map((s) => ({ ...s, extra: [] })));
    expect(seed.lvs).toHaveLength(1); // the input is untouched
  });

  it('reads the move real LVM2 left in progress', () => {
    const move = readMove(interrupted)!;
    expect(move.layer).toBe('pvmove0');
    expect(move.runs).toHaveLength(1);
    expect(move.runs[0]).toMatchObject({ lv: 'lv0', startLe: 6, count: 4, fromPe: 0, toPe: 0, moved: false, regionSizeSectors: 4096 });
    expect(readMove(seed)).toBeNull();
  });

  it('finishes a checkpointed move with lv0 on pv1 | pv4 | pv3 and no layer left', () => {
    const done = resolveLv(checkpoint(interrupted, 0), 'lv0');
    expect(layout(done, 'lv0')).toEqual(['pv1:0-5', 'pv4:0-3', 'pv3:0-4']);
    expect(done.lvs.map((l) => l.name)).toEqual(['lv0']);
    expect(done.lvs[0].status).not.toContain('LOCKED');
  });

  it('aborts an unfinished move back to the seed layout', () => {
    const aborted = resolveLv(interrupted, 'lv0');
    expect(layout(aborted, 'lv0')).toEqual(layout(seed, 'lv0'));
    expect(aborted.lvs.map((l) => l.name)).toEqual(['lv0']);
  });

  it('keeps finished runs on the destination and returns unfinished ones when aborting a two-run move', () => {
    const plan = planMove(seed, { sources: ['pv1:0-1', 'pv3:3-4'], destinations: ['pv4'], alloc: 'normal' }, namesFor(seed));
    expect(plan.moves.map((m) => [m.startLe, m.count, m.toPe])).toEqual([[0, 2, 0], [13, 2, 2]]);
    const started = beginMove(seed, plan.moves, 1024, layer);
    expect(layout(started, 'lv0')).toEqual(['pvmove0:0-1', 'pv1:2-5', 'pv2:0-3', 'pv3:0-2', 'pvmove0:2-3']);
    const half = resolveLv(checkpoint(started, 1), 'lv0');
    expect(layout(half, 'lv0')).toEqual(['pv1:0-5', 'pv2:0-3', 'pv3:0-2', 'pv4:2-3']);
  });

  it.each([
    [{ sources: ['pv9'], destinations: ['pv4'] }, /No PV named 'pv9' in vg0; its PVs are pv1, pv2, pv3, pv4\./],
    [{ sources: ['pv2'], destinations: ['pv4:0-1'] }, /pv4 has 2 free extents; 4 needed/],
    [{ sources: ['pv4'], destinations: ['pv3'] }, /nothing to move/],
    [{ sources: ['pv2'], destinations: ['pv2'] }, /both source and destination; that needs --alloc anywhere/],
    [{ sources: ['pv2:20'], destinations: ['pv4'] }, /outside pv2, which has PEs 0-14/],
    [{ sources: ['pv2'], destinations: ['pv4'], lv: 'nolv' }, /No LV named 'nolv'/],
  ])('refuses %j with one sentence', (req, message) => {
    expect(() => planMove(seed, { alloc: 'normal', ...req }, namesFor(seed))).toThrow(message);
  });

  it('refuses to plan while a move is in progress', () => {
    try {
      planMove(interrupted, { sources: ['pv1'], destinations: ['pv4'], alloc: 'normal' }, namesFor(interrupted));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LvmscopeError);
      expect((e as LvmscopeError).message).toMatch(/already in progress/);
    }
  });

  it('splits a run across two destinations with normal allocation, and refuses with contiguous', () => {
    const names = namesFor(seed);
    const plan = planMove(seed, { sources: ['pv2'], destinations: ['pv4:0-1', 'pv4:10-14'], alloc: 'normal' }, names);
    expect(plan.moves.map((m) => [m.startLe, m.count, m.toPe])).toEqual([[6, 2, 0], [8, 2, 10]]);
    expect(() => planMove(seed, { sources: ['pv2'], destinations: ['pv4:0-1', 'pv4:10-12'], alloc: 'contiguous' }, names)).toThrow(/no run of 4 contiguous free extents \(the largest is 3\)/);
  });
});

describe('segments lvmscope does not understand', () => {
  it('keep their PV extents out of the free space and refuse a move of their PV', () => {
    // A made-up segment type with a direct PV area on pv3 (pv2 in the metadata): PEs 10-12.
    const seed = fixtureVg('seed');
    const text = readFileSync(new URL('../../fixtures/lvm2/seed/vgcfgbackup.txt', import.meta.url), 'utf8').replace(
      /(logical_volumes \{)/,
      `$1\n\t\tfuture {\n\t\t\tid = "aaaaaa-bbbb-cccc-dddd-eeee-ffff-gggggg"\n\t\t\tstatus = ["READ", "WRITE", "VISIBLE"]\n\t\t\tflags = []\n\t\t\tsegment_count = 1\n\t\t\tsegment1 {\n\t\t\t\tstart_extent = 0\n\t\t\t\textent_count = 3\n\t\t\t\ttype = "futuristic"\n\t\t\t\tdata_areas = ["pv2", 10]\n\t\t\t}\n\t\t}\n`,
    );
    const vg = parseVgText(text).vg;
    const names = namesFor(seed);
    // pv3 has 10 free extents (5 used by lv0, 3 by the unknown segment), not 10 + 3.
    expect(() => planMove(vg, { sources: ['pv1'], destinations: ['pv3:5-14'], alloc: 'contiguous' }, names)).toThrow(/largest is 5/);
    expect(() => planMove(vg, { sources: ['pv3:10-12'], destinations: ['pv4'], alloc: 'normal' }, names)).toThrow(/futuristic/);
  });
});
