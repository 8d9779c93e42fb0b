// Proves the engine checks name and range arguments as real LVM2 2.03.16 does, before any
// change: VG and LV names (characters, leading hyphen, "." and "..", reserved prefixes and
// substrings, 127 characters for a VG, 124 for VG + LV together — the limit real lvcreate and
// vgck enforce, measured on this machine), a fast-check sweep of names against those rules
// (test/interop/cli/names.test.ts compares a sample with real lvcreate), removing a snapshot
// as LVM2 does (its COW LV and its hidden snapshotN record together; the record alone is not a
// name users can remove), a reversed PE range called reversed, and the move's region size.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LvmscopeError } from '../../../../app/base/result';
import { planLvCreate, planLvExtend, planLvReduce, planLvRemove, planLvRename } from '../../../../app/lvm/commands/lvCommands';
import { validateLvName, validateVgName } from '../../../../app/lvm/commands/names';
import { checkMoveOptions, planMove } from '../../../../app/pvmove/plan';
import { commandContext, refusal, stackedNames, stackedVg } from './stackedFixture';
import { LvmCommandParams } from '../../../../app/api/contract';
import { MoveOptions } from '../../../../app/api/move';

const stacked = stackedVg;
const names = stackedNames;
const ctx = commandContext();

const RESERVED_PREFIXES = ['snapshot', 'pvmove'];
const RESERVED_PARTS = ['_cdata', '_cmeta', '_corig', '_iorig', '_imeta', '_mimage', '_mlog', '_pmspare', '_rimage', '_rmeta', '_tdata', '_tmeta', '_vdata', '_vorigin', '_wcorig'];

/** LVM2 2.03.16's verdict on an LV name in a VG, as measured with real lvcreate. */
function lvm2Accepts(vg: string, lv: string): boolean {
  if (!/^[A-Za-z0-9+_.-]+$/.test(lv) || lv.startsWith('-') || lv === '.' || lv === '..') return false;
  if (RESERVED_PREFIXES.some((p) => lv.startsWith(p)) || RESERVED_PARTS.some((p) => lv.includes(p))) return false;
  return vg.length + lv.length <= 124;
}

const accepts = (action: () => void) => {
  try {
    action();
    return true;
  } catch (e) {
    if (e instanceof LvmscopeError && e.code === 'INVALID') return false;
    throw e;
  }
};

describe('names', () => {
  it('refuses the 127-character LV name real vgck rejects, and accepts up to 124 characters of VG and LV together', () => {
    expect(refusal(() => validateLvName('a'.repeat(127), 'vg0')).message).toMatch(/"vg0\/a+" is too long: LVM2 allows at most 124 characters for the VG and LV names together \(these have 130\)/);
    expect(accepts(() => validateLvName('a'.repeat(121), 'vg0'))).toBe(true);
    expect(accepts(() => validateLvName('a'.repeat(122), 'vg0'))).toBe(false);
    expect(accepts(() => validateVgName('v'.repeat(127)))).toBe(true);
    expect(accepts(() => validateVgName('v'.repeat(128)))).toBe(false);
    // VG names are not bound by the LV reservations, but by /dev (real vgcreate: "/dev/mapper: already exists in filesystem").
    for (const vg of ['snapshot', 'a_mlog', 'pvmove0', '.a', 'a--b', 'a+b', 'dev']) expect(accepts(() => validateVgName(vg)), vg).toBe(true);
    for (const vg of ['mapper', 'null', '.', '..', '-a', 'a b', 'a/b', 'a@b', '']) expect(accepts(() => validateVgName(vg)), vg).toBe(false);
  });

  it('applies the limit in lvcreate and lvrename (nothing planned)', () => {
    expect(refusal(() => planLvCreate(stacked, { name: 'x'.repeat(122), extents: 1 }, ctx)).message).toMatch(/too long/);
    expect(refusal(() => planLvRename(stacked, 'lin2', 'x'.repeat(122))).message).toMatch(/too long/);
    expect(planLvCreate(stacked, { name: 'x'.repeat(121), extents: 1 }, ctx).lvs.some((l) => l.name === 'x'.repeat(121))).toBe(true);
  });

  it('agree with LVM2’s rules on any name (fast-check sweep, seeded)', () => {
    const seed = Number(process.env.NAMES_SEED ?? Date.now() % 1_000_000);
    console.log(`name sweep seed ${seed} (replay: NAMES_SEED=${seed})`);
    const alphabet = [...'abcXYZ019+_.-/ @%', ...RESERVED_PREFIXES, ...RESERVED_PARTS];
    const name = fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).chain((parts) => fc.integer({ min: 0, max: 130 }).map((pad) => parts.join('') + 'a'.repeat(pad % 3 === 0 ? pad : 0)));
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'vgVG0-_.'), minLength: 1, maxLength: 20 }), name, (vg, lv) => {
        expect(accepts(() => validateLvName(lv, vg))).toBe(lvm2Accepts(vg, lv));
      }),
      { seed, numRuns: 2000 },
    );
  });
});

describe('snapshots (LVM2 removes a snapshot by its COW name)', () => {
  it('lvremove of the COW removes the snapshot record too, leaving no hidden orphan', () => {
    const after = planLvRemove(stacked, 'snap');
    expect(after.lvs.map((l) => l.name)).not.toContain('snap');
    expect(after.lvs.map((l) => l.name)).not.toContain('snapshot0');
    expect(after.lvs.map((l) => l.name)).toContain('lin');
  });

  it('lvremove of the hidden snapshotN record is refused, pointing at the snapshot’s name', () => {
    expect(refusal(() => planLvRemove(stacked, 'snapshot0')).message).toMatch(/snapshot0 is LVM2's internal record of snapshot snap; remove the snapshot with lvremove vgr\/snap/);
  });

  it('the origin and a raid image are still refused while something is stacked on them', () => {
    expect(refusal(() => planLvRemove(stacked, 'lin')).message).toMatch(/used by snapshot0/);
    expect(refusal(() => planLvRemove(stacked, 'r1_rimage_0')).message).toMatch(/used by r1/);
  });
});

describe('move arguments', () => {
  it('calls a reversed PE range reversed, not outside the PV', () => {
    const e = refusal(() => planMove(stacked, { sources: ['pv2:5-2'], destinations: ['pv3'], alloc: 'normal' }, names));
    expect(e.message).toMatch(/PE range 5-2 is reversed: it ends before it starts; write it lowest first \(pv2:2-5\)/);
    expect(e.message).not.toMatch(/outside/);
    expect(refusal(() => planMove(stacked, { sources: ['pv2:0-99999999999999999999'], destinations: ['pv3'], alloc: 'normal' }, names)).message).toMatch(/outside pv2/);
  });

  it('refuses region sizes dm-mirror or LVM2 refuse (below a 4 KiB page, not a power of two, too large) and rates that are not whole', () => {
    for (const regionSizeSectors of [0, 1, 2, 3, 4, 7, 12, 1000, 2 ** 32, 1.5, -8, Number.NaN]) {
      expect(refusal(() => checkMoveOptions({ regionSizeSectors })).message, String(regionSizeSectors)).toMatch(/region size must be a power of two from 8 sectors/);
    }
    for (const regionSizeSectors of [8, 16, 1024, 2 ** 31]) expect(() => checkMoveOptions({ regionSizeSectors })).not.toThrow();
    for (const rateBytesPerSec of [0.4, -1, Number.POSITIVE_INFINITY]) expect(refusal(() => checkMoveOptions({ rateBytesPerSec })).message).toMatch(/whole number of bytes per second/);
    expect(() => checkMoveOptions({ rateBytesPerSec: 0 })).not.toThrow();
  });

  it('the API schema refuses the same region sizes (3 sectors over the API used to pass) and takes force only as a boolean', () => {
    for (const regionSizeSectors of [1, 3, 4, 1000, 2 ** 32]) expect(MoveOptions.safeParse({ regionSizeSectors }).success, String(regionSizeSectors)).toBe(false);
    expect(MoveOptions.safeParse({ regionSizeSectors: 1024 }).success).toBe(true);
    for (const op of [{ op: 'pvcreate', image: 'a.img' }, { op: 'vgcreate', name: 'vg', images: ['a.img'] }, { op: 'vgextend', vg: 'vg', images: ['a.img'] }]) {
      expect(LvmCommandParams.safeParse({ ...op, force: true }).success).toBe(true);
      expect(LvmCommandParams.safeParse({ ...op, force: 'yes' }).success).toBe(false);
    }
  });
});

describe('size arguments reaching the engine (API callers skip the CLI parsers)', () => {
  it('lvcreate, lvextend and lvreduce either refuse with a typed error or plan whole extents (seeded fast-check)', () => {
    const seed = Number(process.env.ENGINE_SIZES_SEED ?? Date.now() % 1_000_000);
    console.log(`engine size sweep seed ${seed} (replay: ENGINE_SIZES_SEED=${seed})`);
    const hostile = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double(), fc.constantFrom(0, -0, 0.4, 1.5, 2 ** 53, 2 ** 60, Number.MAX_SAFE_INTEGER, Number.NaN, Number.POSITIVE_INFINITY, 1e300));
    fc.assert(
      fc.property(fc.constantFrom('extents', 'sizeBytes', 'byExtents'), hostile, (field, value) => {
        for (const plan of [
          () => planLvCreate(stacked, { name: 'fresh', [field]: value }, ctx),
          () => planLvExtend(stacked, 'lin2', { [field]: value }, ctx),
          () => planLvReduce(stacked, 'lin2', { [field]: value }),
        ]) {
          let vg;
          try {
            vg = plan();
          } catch (e) {
            expect(e).toBeInstanceOf(LvmscopeError);
            continue;
          }
          for (const lv of vg.lvs) for (const seg of lv.segments) expect(Number.isSafeInteger(seg.extentCount) && seg.extentCount > 0, `${field}=${value}`).toBe(true);
        }
      }),
      { seed, numRuns: 500 },
    );
  });
});
