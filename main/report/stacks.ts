// What each LV is in the stacks LVM2 builds from segment types lvmscope keeps verbatim (raid,
// snapshot): a raid LV, its images and metadata sub-LVs, a snapshot origin, a cow, or the
// internal snapshot LV (`snapshot0`) LVM2 never lists. lvs needs it for lv_attr's type and
// target letters, the Origin column, visibility (a cow is shown when its origin is) and
// the devices of a raid segment (lib/metadata/lv.c, lv_manip.c's lv_is_visible).

import type { ConfigNode } from '../../app/lvm/format/configText';
import { isMirror, isOther, type LogicalVolume, type OtherSegment, type VolumeGroup } from '../../app/lvm/model/types';

export type LvRole = 'plain' | 'raid' | 'raid-image' | 'raid-meta' | 'mirror-image' | 'snapshot-internal';

export interface LvStack {
  role: LvRole;
  /** Set on a snapshot origin (lv_attr `o`). */
  isOrigin: boolean;
  /** The origin a cow belongs to (the Origin column; lv_attr `s`). */
  originOf?: string;
}

export interface VgStacks {
  of(lvName: string): LvStack;
  /** LVM2's lv_is_visible: a cow follows its origin, the internal snapshot LV is never visible. */
  visible(lv: LogicalVolume): boolean;
  /** How many snapshots the VG holds (vgs #SN). */
  snapshotCount: number;
}

/** The value of `key` in a kept segment's body: a string, or the strings of an array. */
export function bodyStrings(seg: OtherSegment, key: string): string[] {
  const node = seg.body.find((n: ConfigNode) => n.key === key);
  const value = node?.value;
  if (!value) return [];
  const items = value.kind === 'array' ? value.items : [value];
  return items.flatMap((i) => (i.kind === 'string' ? [i.value] : []));
}

export function isRaidSegment(seg: OtherSegment): boolean {
  return /^raid/.test(seg.type);
}

export function vgStacks(vg: VolumeGroup): VgStacks {
  const roles = new Map<string, LvStack>();
  const get = (name: string) => roles.get(name) ?? roles.set(name, { role: 'plain', isOrigin: false }).get(name)!;
  let snapshotCount = 0;
  for (const lv of vg.lvs) {
    // A leg of a mirror on sub-LVs (pvmove --atomic's pvmove0_mimage_N) is a mirror image.
    for (const seg of lv.segments.filter(isMirror)) for (const a of seg.mirrors) if (a.kind === 'lv') get(a.lvName).role = 'mirror-image';
    for (const seg of lv.segments.filter(isOther)) {
      if (isRaidSegment(seg)) {
        get(lv.name).role = 'raid';
        // `raids` lists (metadata, image) pairs; a raid0 without metadata lists images only.
        const names = bodyStrings(seg, 'raids');
        names.forEach((n) => (get(n).role = /_rmeta_\d+$/.test(n) ? 'raid-meta' : 'raid-image'));
      } else if (seg.type === 'snapshot') {
        snapshotCount += 1;
        get(lv.name).role = 'snapshot-internal';
        const [origin] = bodyStrings(seg, 'origin');
        const [cow] = bodyStrings(seg, 'cow_store');
        if (origin) get(origin).isOrigin = true;
        if (cow && origin) get(cow).originOf = origin;
      }
    }
  }
  const byName = new Map(vg.lvs.map((l) => [l.name, l]));
  const of = (name: string) => roles.get(name) ?? { role: 'plain' as const, isOrigin: false };
  const visible = (lv: LogicalVolume): boolean => {
    const stack = of(lv.name);
    if (stack.role === 'snapshot-internal') return false;
    const origin = stack.originOf ? byName.get(stack.originOf) : undefined;
    if (origin) return visible(origin);
    return lv.status.includes('VISIBLE');
  };
  return { of, visible, snapshotCount };
}
