// Proves findLv's index never returns a stale answer while the VG's LV list changes in place
// the ways the commands change it: an LV renamed (lvrename), one spliced in before others
// (lvcreate puts visible LVs before hidden ones), one pushed, one replaced at its index, and
// the list replaced by a filtered copy (lvremove).

import { describe, expect, it } from 'vitest';
import { findLv } from '../../../../app/lvm/model/extentMap';
import type { LogicalVolume, VolumeGroup } from '../../../../app/lvm/model/types';

const lv = (name: string): LogicalVolume => ({ name, id: name, status: ['READ', 'WRITE', 'VISIBLE'], flags: [], segments: [], extra: [] }) as unknown as LogicalVolume;

describe('findLv', () => {
  it('follows renames, splices, pushes, replacements and new lists', () => {
    const vg = { lvs: [lv('a'), lv('b'), lv('c')] } as unknown as VolumeGroup;
    expect(findLv(vg, 'b')).toBe(vg.lvs[1]);
    vg.lvs[1].name = 'b2';
    expect(findLv(vg, 'b')).toBeUndefined();
    expect(findLv(vg, 'b2')).toBe(vg.lvs[1]);
    vg.lvs.splice(0, 0, lv('first'));
    expect(findLv(vg, 'c')!.name).toBe('c');
    expect(findLv(vg, 'first')).toBe(vg.lvs[0]);
    vg.lvs.push(lv('d'));
    expect(findLv(vg, 'd')).toBe(vg.lvs[4]);
    const replacement = lv('a');
    vg.lvs[1] = replacement;
    expect(findLv(vg, 'a')).toBe(replacement);
    vg.lvs = vg.lvs.filter((l) => l.name !== 'c');
    expect(findLv(vg, 'c')).toBeUndefined();
    expect(findLv(vg, 'd')).toBe(vg.lvs[3]);
    expect(findLv(vg, 'nope')).toBeUndefined();
  });
});
