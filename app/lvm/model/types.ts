// The volume-group model: what one metadata text says, in typed form. Sizes in the metadata are
// in sectors; extent counts are plain numbers with `Extents`/`pe`/`le` in their names.
// Anything lvmscope does not understand is kept as raw config nodes (`extra`, or the whole
// body of an unsupported segment) and written back unchanged.

import { cloneNodes, type ConfigNode } from '../format/configText';

export type AllocationPolicy = 'normal' | 'contiguous' | 'anywhere' | 'cling' | 'cling_by_tags' | 'inherit';

/** Where an area of a segment points: a PV's physical extent, or another LV's logical extent. */
export type AreaRef = { kind: 'pv'; pvId: string; pe: number } | { kind: 'lv'; lvName: string; le: number };

interface SegmentBase {
  startExtent: number;
  extentCount: number;
  /** Segment keys lvmscope does not interpret (e.g. `tags`), written back unchanged. */
  extra: ConfigNode[];
}

/** `striped`: linear is one stripe. Each area holds extentCount / stripes extents. */
export interface StripedSegment extends SegmentBase {
  type: 'striped';
  /** Sectors; present only with more than one stripe. */
  stripeSizeSectors?: number;
  stripes: AreaRef[];
}

/** `mirror` as pvmove uses it: area 0 is the source, area 1 the destination. */
export interface MirrorSegment extends SegmentBase {
  type: 'mirror';
  /** Only on PVMOVE segments: extents already copied (a checkpoint). */
  extentsMoved?: number;
  mirrorLog?: string;
  regionSizeSectors?: number;
  mirrors: AreaRef[];
}

/** Any other segment type (thin, raid, cache, snapshot…): kept verbatim, never moved. */
export interface OtherSegment extends SegmentBase {
  /** The exact `type` string from the metadata, e.g. "thin-pool" or "raid1+RESHAPE". */
  type: string;
  unsupported: true;
  /** Every node of the segment except start_extent / extent_count, in order. */
  body: ConfigNode[];
  /** Why lvmscope refuses to move or resize it. */
  reason: string;
  /**
   * PV areas found in its body (arrays of "pvN", PE pairs). Their length is not known, so
   * each is taken to span the whole segment: extent maps count them as used and the
   * allocator never puts anything there.
   */
  pvAreas?: AreaRef[];
}

export type Segment = StripedSegment | MirrorSegment | OtherSegment;

export function isStriped(s: Segment): s is StripedSegment {
  return s.type === 'striped' && !('unsupported' in s);
}
export function isMirror(s: Segment): s is MirrorSegment {
  return s.type === 'mirror' && !('unsupported' in s);
}
export function isOther(s: Segment): s is OtherSegment {
  return 'unsupported' in s;
}

export interface PhysicalVolume {
  /** The section name in the metadata ("pv0"); segments refer to PVs through it on disk. */
  key: string;
  /** 32 characters, no dashes. */
  id: string;
  /** `device = "/dev/loop4"`: a hint only. */
  deviceHint?: string;
  status: string[];
  flags: string[];
  devSizeSectors: number;
  peStartSectors: number;
  peCount: number;
  extra: ConfigNode[];
}

export interface LogicalVolume {
  name: string;
  /** 32 characters, no dashes. */
  id: string;
  status: string[];
  flags: string[];
  creationTime?: number;
  creationHost?: string;
  allocationPolicy?: AllocationPolicy | string;
  segments: Segment[];
  extra: ConfigNode[];
}

export interface VolumeGroup {
  name: string;
  /** 32 characters, no dashes. */
  id: string;
  seqno: number;
  status: string[];
  flags: string[];
  extentSizeSectors: number;
  maxLv: number;
  maxPv: number;
  metadataCopies: number;
  pvs: PhysicalVolume[];
  /** Visible LVs first, then hidden ones (the order LVM writes). */
  lvs: LogicalVolume[];
  extra: ConfigNode[];
}

/** Known status words (lib/format_text/flags.c); an unknown one is a hard error. */
export const VG_STATUS_WORDS = ['RESIZEABLE', 'READ', 'WRITE', 'EXPORTED', 'PVMOVE', 'CLUSTERED', 'SHARED', 'PARTIAL'];
export const PV_STATUS_WORDS = ['ALLOCATABLE', 'EXPORTED', 'MISSING'];
export const LV_STATUS_WORDS = ['READ', 'WRITE', 'VISIBLE', 'LOCKED', 'PVMOVE', 'FIXED_MINOR', 'NOTSYNCED', 'REBUILD', 'WRITEMOSTLY', 'MIRRORED', 'VIRTUAL', 'ACTIVATE_EXCL', 'CONVERTING', 'MERGING', 'PARTIAL', 'WRITE_LOCKED', 'LV_WRITEMOSTLY', 'LV_REBUILD', 'LV_NOTSYNCED', 'CACHE_USES_CACHEVOL', 'INTEGRITY', 'CROP_METADATA', 'REMOVE_AFTER_RESHAPE', 'METADATA_FORMAT', 'LV_RESHAPE_DELTA_DISKS_PLUS', 'LV_RESHAPE_DELTA_DISKS_MINUS', 'LV_CROP_METADATA', 'LV_REMOVE_AFTER_RESHAPE', 'LV_METADATA_FORMAT'];

export function lvExtentCount(lv: LogicalVolume): number {
  const last = lv.segments[lv.segments.length - 1];
  return last ? last.startExtent + last.extentCount : 0;
}

export function isVisible(lv: LogicalVolume): boolean {
  return lv.status.includes('VISIBLE');
}

/** Physical extents one area of a segment occupies. */
export function areaExtentCount(seg: Segment): number {
  if (isStriped(seg)) return seg.extentCount / Math.max(1, seg.stripes.length);
  return seg.extentCount;
}

/** The areas of a supported segment (none for an unsupported one). */
export function segmentAreas(seg: Segment): AreaRef[] {
  if (isStriped(seg)) return seg.stripes;
  if (isMirror(seg)) return seg.mirrors;
  return [];
}

/**
 * The LVs stacked on LV `name`: a segment area on it, or its name quoted in the body of a
 * segment type lvmscope keeps verbatim (a raid1's rimage/rmeta, a snapshot's origin and cow).
 */
export function lvUsers(vg: VolumeGroup, name: string): string[] {
  const quoted = JSON.stringify(name);
  const mentions = (s: Segment) => isOther(s) && JSON.stringify(s.body, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).includes(quoted);
  return vg.lvs.filter((l) => l.name !== name && l.segments.some((s) => segmentAreas(s).some((a) => a.kind === 'lv' && a.lvName === name) || mentions(s))).map((l) => l.name);
}

function cloneSegment(s: Segment): Segment {
  const extra = cloneNodes(s.extra);
  if ('unsupported' in s) return { ...s, extra, body: cloneNodes(s.body), ...(s.pvAreas ? { pvAreas: s.pvAreas.map((a) => ({ ...a })) } : {}) };
  if (s.type === 'striped') return { ...s, extra, stripes: s.stripes.map((a) => ({ ...a })) };
  return { ...s, extra, mirrors: (s as MirrorSegment).mirrors.map((a) => ({ ...a })) };
}

/** A deep copy: commands change a copy and commit it, so a failure leaves the original intact. */
export function cloneVg(vg: VolumeGroup): VolumeGroup {
  return {
    ...vg,
    status: [...vg.status],
    flags: [...vg.flags],
    extra: cloneNodes(vg.extra),
    pvs: vg.pvs.map((pv) => ({ ...pv, status: [...pv.status], flags: [...pv.flags], extra: cloneNodes(pv.extra) })),
    lvs: vg.lvs.map((lv) => ({ ...lv, status: [...lv.status], flags: [...lv.flags], extra: cloneNodes(lv.extra), segments: lv.segments.map(cloneSegment) })),
  };
}
