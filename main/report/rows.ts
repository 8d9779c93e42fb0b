// Report rows from an open workspace: one per PV (with orphan PVs), per VG, per LV or per LV
// segment, holding the raw values LVM2's report fields show (lib/report/report.c). PVs are
// named as lvmscope names them everywhere (image name without extension: `pv2`), where LVM2
// prints the device path.

import { formatUuid } from '../../app/lvm/format/layout';
import { pvExtentMaps } from '../../app/lvm/model/extentMap';
import { isMirror, isOther, isStriped, lvExtentCount, segmentAreas, type LogicalVolume, type Segment, type VolumeGroup } from '../../app/lvm/model/types';
import type { OpenVg } from '../../app/lvm/workspace/workspace';
import type { WorkspaceSession } from '../../app/session/session';
import { memoized } from '../../app/base/memo';
import { displayName } from '../../app/session/views';
import { bodyStrings, isRaidSegment, vgStacks, type LvStack, type VgStacks } from './stacks';

const SECTOR = 512;
/** How LVM2 names a PV whose device is missing (pv_name, devices, seg_pe_ranges). */
const UNKNOWN_DEVICE = '[unknown]';

export interface PvRow {
  pvName: string;
  vgName: string;
  attr: string;
  sizeBytes: number;
  freeBytes: number;
  usedBytes: number;
  devSizeBytes: number;
  peStartBytes: number;
  peCount: number;
  allocCount: number;
  uuid: string;
  /** PV segments (pvs --segments): start PE and length, free runs included. */
  pvsegs: Array<{ start: number; size: number }>;
}

export interface VgRow {
  vgName: string;
  pvCount: number;
  lvCount: number;
  snapCount: number;
  attr: string;
  sizeBytes: number;
  freeBytes: number;
  extentBytes: number;
  extentCount: number;
  freeCount: number;
  seqno: number;
  uuid: string;
  maxLv: number;
  maxPv: number;
}

export interface SegRow {
  startPe: number;
  sizePe: number;
  startBytes: number;
  sizeBytes: number;
  segtype: string;
  stripes: number;
  devices: string;
  peRanges: string;
}

export interface LvRow {
  /** The real name (sorting) and the shown one (`[pvmove0]` for hidden LVs). */
  name: string;
  shownName: string;
  vgName: string;
  attr: string;
  sizeBytes: number;
  movePv: string;
  copyPercent: string;
  uuid: string;
  /** The origin of a snapshot (cow), shown in the Origin column. */
  origin: string;
  hidden: boolean;
  /** False for the internal snapshot LV (`snapshot0`), which LVM2 never lists, even with -a. */
  listed: boolean;
  segs: SegRow[];
}

export interface ReportSource {
  pvs: PvRow[];
  vgs: VgRow[];
  lvs: LvRow[];
}

export function reportSource(session: WorkspaceSession): ReportSource {
  const pvs: PvRow[] = [];
  const vgs: VgRow[] = [];
  const lvs: LvRow[] = [];
  for (const open of session.ws.listVgs()) {
    pvs.push(...vgPvRows(open));
    const stacks = vgStacks(open.vg);
    vgs.push(vgRow(open, stacks));
    const nameOf = pvNameOf(open);
    for (const lv of open.vg.lvs) lvs.push(lvRow(open, lv, session, stacks, nameOf));
  }
  for (const orphan of session.ws.orphans()) {
    const peStartBytes = orphan.label.dataAreas[0]?.offsetBytes ?? 0;
    // A PV that may still hold an unreadable VG is shown as LVM2 shows it: VG [unknown], used.
    const used = orphan.damaged !== undefined;
    pvs.push({ pvName: displayName(orphan.image), vgName: used ? '[unknown]' : '', attr: used ? 'u--' : '---', sizeBytes: orphan.sizeBytes, freeBytes: used ? 0 : orphan.sizeBytes, usedBytes: 0, devSizeBytes: orphan.sizeBytes, peStartBytes, peCount: 0, allocCount: 0, uuid: formatUuid(orphan.pvId), pvsegs: [] });
  }
  return { pvs, vgs, lvs };
}

function vgPvRows(open: OpenVg): PvRow[] {
  const vg = open.vg;
  const ext = vg.extentSizeSectors * SECTOR;
  const maps = pvExtentMaps(vg);
  return vg.pvs.map((pv) => {
    const map = maps.find((m) => m.pvId === pv.id)!;
    const free = map.free.reduce((n, r) => n + r.count, 0);
    const image = open.images.get(pv.id);
    const attr = (pv.status.includes('ALLOCATABLE') ? 'a' : '-') + (pv.status.includes('EXPORTED') ? 'x' : '-') + (image ? '-' : 'm');
    const sizeBytes = pv.peCount ? pv.peCount * ext : pv.devSizeSectors * SECTOR;
    const pvsegs = [...map.used.map((u) => ({ start: u.pe, size: u.count })), ...map.free.map((f) => ({ start: f.pe, size: f.count }))].sort((a, b) => a.start - b.start);
    return {
      pvName: image ? displayName(image) : UNKNOWN_DEVICE,
      vgName: vg.name,
      attr,
      sizeBytes,
      freeBytes: free * ext,
      usedBytes: (pv.peCount - free) * ext,
      devSizeBytes: pv.devSizeSectors * SECTOR,
      peStartBytes: pv.peStartSectors * SECTOR,
      peCount: pv.peCount,
      allocCount: pv.peCount - free,
      uuid: formatUuid(pv.id),
      pvsegs,
    };
  });
}

function vgRow(open: OpenVg, stacks: VgStacks): VgRow {
  const vg = open.vg;
  const ext = vg.extentSizeSectors * SECTOR;
  const extentCount = vg.pvs.reduce((n, p) => n + p.peCount, 0);
  const used = pvExtentMaps(vg).reduce((n, m) => n + m.used.reduce((k, u) => k + u.count, 0), 0);
  // The VG's own permission, as LVM2 prints it; lvmscope's read-only opening (a missing PV)
  // shows as `p` (partial) and in the warnings, not here.
  const writeable = vg.status.includes('WRITE');
  const attr = [writeable ? 'w' : 'r', vg.status.includes('RESIZEABLE') ? 'z' : '-', vg.status.includes('EXPORTED') ? 'x' : '-', open.missing.length ? 'p' : '-', 'n', vg.status.includes('CLUSTERED') ? 'c' : vg.status.includes('SHARED') ? 's' : '-'].join('');
  return {
    vgName: vg.name,
    pvCount: vg.pvs.length,
    lvCount: vg.lvs.filter((l) => stacks.visible(l)).length,
    snapCount: stacks.snapshotCount,
    attr,
    sizeBytes: extentCount * ext,
    freeBytes: (extentCount - used) * ext,
    extentBytes: ext,
    extentCount,
    freeCount: extentCount - used,
    seqno: vg.seqno,
    uuid: formatUuid(vg.id),
    maxLv: vg.maxLv,
    maxPv: vg.maxPv,
  };
}

const POLICY_CHAR: Record<string, string> = { inherit: 'i', normal: 'n', contiguous: 'c', anywhere: 'a', cling: 'l', cling_by_tags: 'l' };

/** lv_attr's 1st character: the volume type, in LVM2's order of precedence (lib/metadata/lv.c). */
function typeChar(lv: LogicalVolume, stack: LvStack): string {
  if (lv.status.includes('PVMOVE')) return 'p';
  if (stack.isOrigin) return 'o';
  if (stack.role === 'raid-meta') return 'e';
  if (stack.role === 'raid') return lv.status.includes('NOTSYNCED') ? 'R' : 'r';
  if (lv.segments.some((s) => isMirror(s))) return 'm';
  // lvmscope does not activate raid LVs, and LVM2 reports the image of an inactive raid as
  // out of sync (it cannot know better).
  if (stack.role === 'raid-image') return 'I';
  // So is a mirror image: LVM2 cannot read its sync state without an active mirror.
  if (stack.role === 'mirror-image') return 'I';
  if (stack.originOf) return 's';
  return '-';
}

/** lv_attr's 7th character: the target type. */
function targetChar(lv: LogicalVolume, stack: LvStack): string {
  if (stack.role === 'raid' || stack.role === 'raid-image' || stack.role === 'raid-meta') return 'r';
  if (lv.segments.some((s) => isMirror(s)) || stack.role === 'mirror-image') return 'm';
  if (stack.isOrigin || stack.originOf) return 's';
  return '-';
}

const PLAIN: LvStack = { role: 'plain', isOrigin: false };

/**
 * lv_attr (lvs(8) "lv_attr bits"); the 5th character is `a` when lvmscope activated the LV.
 * The 9th (health) is `-` for a raid: lvmscope keeps it inactive, and LVM2 reports no problem
 * for an inactive raid.
 */
export function lvAttr(lv: LogicalVolume, active: boolean, open: boolean, partial = false, stack: LvStack = PLAIN): string {
  const pvmove = lv.status.includes('PVMOVE');
  // LVM2 prints no permission for the pvmove layer (p-C-…).
  const perm = pvmove ? '-' : lv.status.includes('WRITE') ? 'w' : 'r';
  let policy = POLICY_CHAR[lv.allocationPolicy ?? 'inherit'] ?? 'i';
  if (lv.status.includes('LOCKED') || pvmove) policy = policy.toUpperCase();
  const minor = lv.status.includes('FIXED_MINOR') ? 'm' : '-';
  return `${typeChar(lv, stack)}${perm}${policy}${minor}${active ? 'a' : '-'}${open ? 'o' : '-'}${targetChar(lv, stack)}-${partial ? 'p' : '-'}-`;
}

/** The device name a report shows for a PV of the VG (asked once per segment: remembered). */
function pvNameOf(openVg: OpenVg): (pvId: string) => string {
  return memoized((pvId: string) => {
    const image = openVg.images.get(pvId);
    return image ? displayName(image) : UNKNOWN_DEVICE;
  });
}

function lvRow(openVg: OpenVg, lv: LogicalVolume, session: WorkspaceSession, stacks: VgStacks, nameOf: (pvId: string) => string): LvRow {
  const vg = openVg.vg;
  const ext = vg.extentSizeSectors * SECTOR;
  const dmName = session.lvDmName(vg.name, lv.name);
  const isOpen = !!dmName && session.dm.has(dmName) && session.dm.openCount(session.dm.get(dmName).devno) > 0;
  const stack = stacks.of(lv.name);
  const hidden = !stacks.visible(lv);
  const first = lv.segments[0];
  const movePv = lv.status.includes('PVMOVE') && first ? movingFrom(openVg.vg, first, nameOf) : '';
  const partial = lv.segments.some((s) => segmentAreas(s).some((a) => a.kind === 'pv' && !openVg.images.has(a.pvId)));
  return {
    name: lv.name,
    shownName: hidden ? `[${lv.name}]` : lv.name,
    vgName: vg.name,
    attr: lvAttr(lv, !!dmName, isOpen, partial, stack),
    sizeBytes: lvExtentCount(lv) * ext,
    movePv,
    copyPercent: dmName ? copyPercent(lv) : '',
    uuid: formatUuid(lv.id),
    origin: stack.originOf ?? '',
    hidden,
    listed: stack.role !== 'snapshot-internal',
    segs: lv.segments.map((s) => segRow(vg, s, nameOf)),
  };
}

/** Cpy%Sync of an active mirror from its checkpoints; empty for other LVs (as LVM2). */
function copyPercent(lv: LogicalVolume): string {
  if (!lv.segments.some((s) => isMirror(s))) return '';
  const total = lvExtentCount(lv);
  const moved = lv.segments.reduce((n, s) => n + (isMirror(s) ? (s.extentsMoved ?? 0) : 0), 0);
  return total ? ((moved * 100) / total).toFixed(2) : '';
}

/** The sub-LVs a raid segment maps (its images: LVM2's devices leave the metadata LVs out). */
function raidImages(seg: Segment): Array<{ kind: 'lv'; lvName: string; le: number }> {
  if (!isOther(seg) || !isRaidSegment(seg)) return [];
  return bodyStrings(seg, 'raids').filter((n) => !/_rmeta_\d+$/.test(n)).map((lvName) => ({ kind: 'lv', lvName, le: 0 }));
}

/** How many LEs of a raid segment each image holds (raid1 mirrors them; others stripe data). */
function raidAreaLength(seg: Segment, images: number): number {
  const parity: Record<string, number> = { raid4: 1, raid5: 1, raid6: 2 };
  const type = seg.type.replace(/_.*$/, '').replace(/\+.*$/, '');
  if (type === 'raid1') return seg.extentCount;
  if (type === 'raid10') return (seg.extentCount * 2) / Math.max(1, images);
  return seg.extentCount / Math.max(1, images - (parity[type] ?? 0));
}

function segRow(vg: VolumeGroup, seg: Segment, nameOf: (pvId: string) => string): SegRow {
  const ext = vg.extentSizeSectors * SECTOR;
  const raid = raidImages(seg);
  const areas = raid.length ? raid : segmentAreas(seg);
  const perArea = raid.length ? raidAreaLength(seg, raid.length) : isStriped(seg) ? seg.extentCount / Math.max(1, seg.stripes.length) : seg.extentCount;
  const label = (a: (typeof areas)[number]) => (a.kind === 'pv' ? { name: nameOf(a.pvId), start: a.pe } : { name: a.lvName, start: a.le });
  const segtype = isStriped(seg) ? (seg.stripes.length === 1 ? 'linear' : 'striped') : seg.type;
  return {
    startPe: seg.startExtent,
    sizePe: seg.extentCount,
    startBytes: seg.startExtent * ext,
    sizeBytes: seg.extentCount * ext,
    segtype,
    stripes: areas.length,
    devices: areas.map((a) => `${label(a).name}(${label(a).start})`).join(','),
    peRanges: areas.map((a) => `${label(a).name}:${label(a).start}-${label(a).start + perArea - 1}`).join(' '),
  };
}

/**
 * A pvmove layer's source PV (lvs -o move_pv), as LVM2's lv_move_pv_dup reads it: the first
 * leg of its first mirror segment, or for an --atomic move the first PV of that leg's sub-LV.
 */
function movingFrom(vg: VolumeGroup, first: Segment, nameOf: (pvId: string) => string): string {
  if (!isMirror(first)) return '';
  const leg = first.mirrors[0];
  if (leg?.kind === 'pv') return nameOf(leg.pvId);
  const image = leg?.kind === 'lv' ? vg.lvs.find((l) => l.name === leg.lvName) : undefined;
  const area = image?.segments[0] && 'stripes' in image.segments[0] ? image.segments[0].stripes[0] : undefined;
  return area?.kind === 'pv' ? nameOf(area.pvId) : '';
}
