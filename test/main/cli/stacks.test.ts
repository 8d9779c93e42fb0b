// Proves the report reads raid and snapshot stacks as LVM2 does, on the vgcfgbackup of a VG
// real LVM2 2.03.16 restored with a raid1 and a snapshot (test/app/lvm/commands/stacked-vg.txt):
// roles give lv_attr's type/target letters, the cow is visible as its origin is, snapshot0 is
// never listed, and #SN counts the snapshot; and a move touching them is refused with a
// sentence saying lvmscope keeps them as they are and naming the LVs -n can move instead. The interop test compares the same with real lvs.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVgText } from '../../../app/lvm/model/vgCodec';
import { lvAttr } from '../../../main/report/rows';
import { vgStacks } from '../../../main/report/stacks';
import { planMove, type PvNames } from '../../../app/pvmove/plan';

const vg = parseVgText(readFileSync(path.join(__dirname, '../../app/lvm/commands/stacked-vg.txt'), 'utf8')).vg;
const lv = (name: string) => vg.lvs.find((l) => l.name === name)!;

describe('raid and snapshot stacks in reports', () => {
  const stacks = vgStacks(vg);
  const attr = (name: string) => lvAttr(lv(name), false, false, false, stacks.of(name));

  it('gives the raid, its images and metadata, the origin and the cow LVM2’s attr letters', () => {
    expect(attr('r1')).toBe('rwi---r---');
    expect(attr('r1_rimage_0')).toBe('Iwi---r---');
    expect(attr('r1_rmeta_1')).toBe('ewi---r---');
    expect(attr('lin')).toBe('owi---s---');
    expect(attr('snap')).toBe('swi---s---');
    expect(attr('lin2')).toBe('-wi-------');
  });

  it('shows the cow as its origin is, hides raid sub-LVs and never lists snapshot0', () => {
    expect(vg.lvs.filter((l) => stacks.visible(l)).map((l) => l.name)).toEqual(['lin', 'r1', 'snap', 'lin2']);
    expect(stacks.of('snap').originOf).toBe('lin');
    expect(stacks.of('snapshot0').role).toBe('snapshot-internal');
    expect(stacks.snapshotCount).toBe(1);
  });
});

describe('a move that would touch a raid or snapshot LV', () => {
  const names: PvNames = { nameOf: (id) => `pv${vg.pvs.findIndex((p) => p.id === id) + 1}`, idOf: (name) => vg.pvs[Number(name.replace('pv', '')) - 1]?.id };
  const refusal = (sources: string[]) => {
    try {
      planMove(vg, { sources, destinations: ['pv4'], alloc: 'normal' }, names);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected a refusal');
  };

  it('says lvmscope keeps them as they are and names the LVs to move with -n instead', () => {
    // pv2 holds r1_rmeta_1, r1_rimage_1, the cow snap and lin2.
    expect(refusal(['pv2'])).toMatch(/^snap has extents on the source but snapshot0 is stacked on it \(the snapshot snap\); lvmscope keeps raid and snapshot LVs as they are and does not move them: move the other LVs with -n LV \(lin2\), or move these with LVM2's pvmove\.$/);
    expect(refusal(['pv1'])).toMatch(/is stacked on it \((raid1|the snapshot snap)\).*move them with LVM2's pvmove \(no other LV on the source/);
  });
});
