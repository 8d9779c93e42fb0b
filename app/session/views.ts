// Model → API views (app/api/views.ts): what the hosts and the renderer see of the open
// workspace and of the device-mapper. PVs are shown by image name without extension (`pv2`
// for pv2.img), as LVM2 shows device names; the metadata's own `pvN` keys appear as
// `pvSection`. Extents of a move in progress are shown under the LV that is moving, marked
// as source or destination, as `lvs -a` shows them through [pvmove0].

import { memoized } from '../base/memo';
import type { DmDeviceView, MirrorSyncView, ExtentRun, LvView, MoveRecoveryView, PvView, SegmentView, VgView, WorkspaceView } from '../api/views';
import type { DeviceMapper, DmDeviceInfo } from '../dm/deviceMapper';
import type { DmEvent } from '../dm/events';
import type { DmStreamEvent } from '../api/dmStream';
import { regionRun } from '../api/regionRuns';
import { targetDevices, type TableSpec } from '../dm/table';
import type { LvmWorkspace, OpenVg } from '../lvm/workspace/workspace';
import type { LogicalVolume, Segment, VolumeGroup } from '../lvm/model/types';
import { isMirror, isOther, isStriped, lvExtentCount, segmentAreas } from '../lvm/model/types';
import { pvExtentMaps, type PvExtentMap } from '../lvm/model/extentMap';
import { SECTOR_SIZE } from '../base/units';
import { readMove, type MoveInProgress } from '../pvmove/layout';
import type { PvNames } from '../pvmove/plan';

/** A stream event before the session numbers it. */
export type DmStreamBody = DmStreamEvent extends infer E ? (E extends DmStreamEvent ? Omit<E, 'stream' | 'seq' | 'timeMs'> : never) : never;

/** `pv1.img` → `pv1`. */
export function displayName(image: string): string {
  return image.replace(/\.(img|raw|bin|disk)$/i, '');
}

/** PV names of one open VG, for the planner and the views. */
export function pvNamesOf(open: OpenVg): PvNames {
  return {
    // Asked once per segment area (50,000 times for the view of a 10,000-LV VG): remembered.
    nameOf: memoized((pvId: string) => {
      const image = open.images.get(pvId);
      return image ? displayName(image) : (open.vg.pvs.find((p) => p.id === pvId)?.key ?? pvId);
    }),
    idOf: (name) => {
      const plain = name.replace(/^.*\//, '');
      for (const [pvId, image] of open.images) if (image === plain || displayName(image) === plain || displayName(image) === displayName(plain)) return pvId;
      return undefined;
    },
  };
}

export interface ViewContext {
  imageDevno: (image: string) => string | null;
  lvDmName: (vg: string, lv: string) => string | null;
}

function segmentView(vg: VolumeGroup, lv: LogicalVolume, seg: Segment, index: number, names: PvNames): SegmentView {
  const areas = segmentAreas(seg).map((a) => (a.kind === 'pv' ? { target: names.nameOf(a.pvId), kind: 'pv' as const, start: a.pe } : { target: a.lvName, kind: 'lv' as const, start: a.le }));
  let unmovableReason: string | null = null;
  if (isOther(seg)) unmovableReason = `${seg.type} segment: ${seg.reason}`;
  else if (lv.status.includes('PVMOVE')) unmovableReason = 'This is the hidden layer of a move in progress.';
  else if (lv.status.includes('LOCKED')) unmovableReason = `${lv.name} is LOCKED by a move in progress; resume or abort it first.`;
  else if (isStriped(seg) && seg.stripes.length > 1) unmovableReason = `Striped across ${seg.stripes.length} PVs; lvmscope moves linear segments only.`;
  else if (!isStriped(seg)) unmovableReason = `${seg.type} segments are not moved by lvmscope.`;
  void vg;
  return {
    index: index + 1,
    startLe: seg.startExtent,
    count: seg.extentCount,
    // As LVM2 reports it (`lvs -o segtype`): a one-stripe striped segment is "linear".
    type: isStriped(seg) && seg.stripes.length === 1 ? 'linear' : seg.type,
    areas,
    extentsMoved: isMirror(seg) ? (seg.extentsMoved ?? null) : null,
    regionSizeSectors: isMirror(seg) ? (seg.regionSizeSectors ?? null) : null,
    unmovableReason,
  };
}

function lvView(open: OpenVg, lv: LogicalVolume, names: PvNames, ctx: ViewContext): LvView {
  const count = lvExtentCount(lv);
  return {
    name: lv.name,
    uuid: lv.id,
    status: lv.status,
    hidden: !lv.status.includes('VISIBLE'),
    locked: lv.status.includes('LOCKED'),
    extentCount: count,
    sizeBytes: count * open.vg.extentSizeSectors * SECTOR_SIZE,
    segments: lv.segments.map((s, i) => segmentView(open.vg, lv, s, i, names)),
    dmName: ctx.lvDmName(open.vg.name, lv.name),
  };
}

function pvRuns(map: PvExtentMap, move: MoveInProgress | null): ExtentRun[] {
  const runs: ExtentRun[] = [];
  for (const u of map.used) {
    if (move && u.lvName === move.layer) {
      // A pvmove0 area: show it under the LV that is moving, as source or destination.
      for (const r of move.runs) {
        const from = Math.max(u.le, r.layerLe);
        const to = Math.min(u.le + u.count, r.layerLe + r.count);
        if (from >= to) continue;
        runs.push({ startPe: u.pe + (from - u.le), count: to - from, lv: r.lv, le: r.startLe + (from - r.layerLe), moving: u.areaIndex === 0 ? 'source' : 'destination' });
      }
      continue;
    }
    runs.push({ startPe: u.pe, count: u.count, lv: u.lvName, le: u.le, moving: null });
  }
  for (const f of map.free) runs.push({ startPe: f.pe, count: f.count, lv: null, le: null, moving: null });
  return runs.sort((a, b) => a.startPe - b.startPe);
}

function moveRecoveryView(move: MoveInProgress, names: PvNames, extentSizeSectors: number): MoveRecoveryView {
  const total = move.runs.reduce((n, r) => n + r.count, 0);
  const moved = move.runs.filter((r) => r.moved).reduce((n, r) => n + r.count, 0);
  const sources = [...new Set(move.runs.map((r) => names.nameOf(r.fromPvId)))];
  const destinations = [...new Set(move.runs.map((r) => names.nameOf(r.toPvId)))];
  const mib = (n: number) => ((n * extentSizeSectors * SECTOR_SIZE) / (1024 * 1024)).toFixed(0);
  if (move.finishing) {
    return {
      layer: move.layer,
      lvs: [],
      sources: [],
      destinations: [],
      extentsTotal: 0,
      extentsMoved: 0,
      summary: `A move was interrupted between its two finishing commits: every LV already sits on its destination and only the empty ${move.layer} is left; resume (or abort) it to remove ${move.layer}.`,
    };
  }
  return {
    layer: move.layer,
    lvs: move.lvs,
    sources,
    destinations,
    extentsTotal: total,
    extentsMoved: moved,
    summary: `A move of ${move.lvs.join(', ')} from ${sources.join(', ')} to ${destinations.join(', ')} was interrupted with ${moved} of ${total} extents (${mib(moved)} of ${mib(total)} MiB) checkpointed; resume it or abort it.`,
  };
}

export function vgView(open: OpenVg, ctx: ViewContext, liveMoveLayer: boolean): VgView {
  const vg = open.vg;
  const names = pvNamesOf(open);
  const move = readMove(vg);
  const maps = pvExtentMaps(vg);
  const bytesPerExtent = vg.extentSizeSectors * SECTOR_SIZE;
  const pvs: PvView[] = vg.pvs.map((pv) => {
    const image = open.images.get(pv.id) ?? null;
    const free = maps.find((m) => m.pvId === pv.id)!.free.reduce((n, r) => n + r.count, 0);
    return {
      name: names.nameOf(pv.id),
      image: image ?? '',
      pvSection: pv.key,
      uuid: pv.id,
      devno: image ? (ctx.imageDevno(image) ?? '') : '',
      sizeBytes: pv.devSizeSectors * SECTOR_SIZE,
      peStartSectors: pv.peStartSectors,
      peCount: pv.peCount,
      allocatedCount: pv.peCount - free,
      allocatable: pv.status.includes('ALLOCATABLE'),
      missing: !image,
      runs: pvRuns(maps.find((m) => m.pvId === pv.id)!, move),
    };
  });
  const peCount = vg.pvs.reduce((n, p) => n + p.peCount, 0);
  const freeCount = pvs.reduce((n, p) => n + (p.peCount - p.allocatedCount), 0);
  return {
    name: vg.name,
    uuid: vg.id,
    seqno: vg.seqno,
    extentSizeSectors: vg.extentSizeSectors,
    peCount,
    freeCount,
    sizeBytes: peCount * bytesPerExtent,
    freeBytes: freeCount * bytesPerExtent,
    status: vg.status,
    readOnlyReason: open.readOnly ? (open.readOnlyReason ?? 'read-only') : null,
    pvs,
    lvs: vg.lvs.map((lv) => lvView(open, lv, names, ctx)),
    moveInProgress: move && !liveMoveLayer ? moveRecoveryView(move, names, vg.extentSizeSectors) : null,
  };
}

export function workspaceView(path: string, ws: LvmWorkspace, ctx: ViewContext, liveMoveVg: string | null): WorkspaceView {
  const vgs = ws.listVgs();
  const inVg = new Set<string>();
  for (const open of vgs) for (const image of open.images.values()) inVg.add(image);
  const orphans = new Set(ws.orphans().map((o) => o.image));
  const unreadable = new Set(ws.problems.filter((p) => p.image).map((p) => p.image!));
  const images = ws.imageNames().map((name) => ({
    name,
    sizeBytes: ws.storeOf(name).sizeBytes,
    devno: ctx.imageDevno(name),
    role: inVg.has(name) ? ('pv' as const) : orphans.has(name) ? ('orphan-pv' as const) : unreadable.has(name) ? ('unreadable' as const) : ('not-lvm' as const),
  }));
  const problems = ws.problems.map((p) => ({ severity: 'warning' as const, message: p.image ? `${p.image}: ${p.error.message}` : p.error.message }));
  for (const open of vgs) {
    if (open.readOnly) problems.push({ severity: 'warning', message: open.readOnlyReason ?? `${open.vg.name} is read-only.` });
  }
  return { path, images, vgs: vgs.map((open) => vgView(open, ctx, open.vg.name === liveMoveVg)), problems };
}

/** Every mapped device, as `dmsetup info/table/status` show it, with its tables typed. */
export function dmView(dm: DeviceMapper): DmDeviceView[] {
  return dm.list().map((info) => dmDeviceView(dm, info));
}

/** One mapped device as dmView shows it (`info`: dm.list's or dm.info's). */
export function dmDeviceView(dm: DeviceMapper, info: DmDeviceInfo): DmDeviceView {
  const live = dm.targets(info.name, 'live') ?? null;
  const inactive = dm.targets(info.name, 'inactive') ?? null;
  const dependsOn = [...new Set((live ?? []).flatMap((t) => targetDevices(t).map((d) => d.devno)))];
  return {
    name: info.name,
    uuid: info.uuid,
    devno: info.devno,
    state: info.state,
    live: live ? [...live] : null,
    inactive: inactive ? [...inactive] : null,
    status: info.liveTable ? dm.status(info.name).split('\n') : [],
    mirrors: mirrorSync(dm, info.name, live ?? []),
    openCount: info.openCount,
    eventNr: info.eventNumber,
    inFlight: info.inFlight,
    deferred: info.deferred,
    io: { reads: info.counters.reads, writes: info.counters.writes, readSectors: info.counters.readSectors, writtenSectors: info.counters.writtenSectors },
    dependsOn,
    deferredRemove: dm.isRemovalDeferred(info.name),
  };
}

function mirrorSync(dm: DeviceMapper, name: string, live: TableSpec): MirrorSyncView[] {
  const out: MirrorSyncView[] = [];
  live.forEach((t, targetIndex) => {
    if (t.type !== 'mirror') return;
    const control = dm.mirror(name, targetIndex);
    out.push({ targetIndex, regionsInSync: control.inSyncRegions, regionsTotal: control.nrRegions, health: control.health, regions: control.regionRanges().map(regionRun) });
  });
  return out;
}

/** A dm event as the API streams it (without its stream id, sequence number and time), or null for events the stream leaves out. */
export function dmStreamBody(e: DmEvent): DmStreamBody | null {
  switch (e.type) {
    case 'device-created':
    case 'device-removed':
    case 'remove-deferred':
    case 'inactive-cleared':
    case 'suspending':
    case 'suspended':
    case 'resumed':
    case 'io-deferred':
    case 'event-number':
    case 'write-intercepted':
    case 'write-released':
    case 'write-both-legs':
    case 'write-source-only':
    case 'leg-error':
      return { ...e };
    case 'table-loaded':
    case 'table-swapped':
      return { ...e, table: [...e.table] };
    case 'io-counters': {
      const { reads, writes, readSectors, writtenSectors } = e.counters;
      return { type: e.type, device: e.device, devno: e.devno, io: { reads, writes, readSectors, writtenSectors }, inFlight: e.inFlight, deferred: e.deferred };
    }
    case 'region-range':
      return { type: e.type, device: e.device, devno: e.devno, targetIndex: e.targetIndex, start: e.start, count: e.count, state: e.state === 'not-copied' ? 'pending' : e.state, regionsInSync: e.inSyncRegions, regionsTotal: e.nrRegions };
    case 'mirror-in-sync':
      return { type: e.type, device: e.device, devno: e.devno, targetIndex: e.targetIndex, regionsTotal: e.nrRegions };
    // Image PVs are part of the workspace view; the copier's progress is the move's progress;
    // flakey's up/down shows in its IO errors.
    case 'image-added':
    case 'image-removed':
    case 'flakey-state':
    case 'copier-progress':
      return null;
  }
}
