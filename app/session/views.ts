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
import type { LogicalVolume, PhysicalVolume, Segment, VolumeGroup } from '../lvm/model/types';
import { areaExtentCount, isMirror, isOther, isStriped, lvExtentCount, segmentAreas } from '../lvm/model/types';
import { findLv, pvExtentMaps, type PvExtentMap } from '../lvm/model/extentMap';
import { sameData } from '../api/workspaceChange';
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

function lvView(open: OpenVg, lv: LogicalVolume, names: PvNames, dmName: string | null): LvView {
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
    dmName,
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

/**
 * The views of one VG's LVs and PVs, kept from one build to the next so that a build costs
 * what changed since the last one (issue 20). A metadata commit of a 10,000-LV VG changes a few
 * LVs (a pvmove checkpoint: the moving LV and pvmove0), yet it produces a whole new model
 * (commands change a deep copy); building every LV and PV view again took 50–2,000 ms per
 * commit, and comparing them with the last view another 40–240 ms. Here each LV's model is
 * compared with the one its view was built from (data, not identity: the copy is new), only
 * the LVs that differ and the PVs they have extents on are built again, and every other view
 * is the object of the last build, which the workspace diff then passes over by identity.
 */
export class VgViewCache {
  /** What every view depends on besides its own LV or PV: extent size and the PVs' image names. */
  private signature: string | null = null;
  private names: PvNames | null = null;
  /** Each LV's model as of the last build, by name: the object its view and its PVs' runs were built from. */
  private lvModels = new Map<string, LogicalVolume>();
  private lvViews = new Map<string, { model: LogicalVolume; dmName: string | null; view: LvView }>();
  private pvViews = new Map<string, { model: PhysicalVolume; devno: string; view: PvView }>();
  /** The move layer (pvmove0) at the last build: its PVs' runs are drawn under the LVs that use it. */
  private layer: string | null = null;
  /** The LVs with extents on each PV, by PV id (as of the last build): a changed PV's map is built from these LVs alone. */
  private lvsOnPv = new Map<string, Set<string>>();

  /**
   * The VG's view. `remember` false: a view of a model that is not the VG's own (a plan's
   * "after" layout), built against the cache without changing it. `lvs` false: the LV list is
   * left empty (a plan shows PVs only).
   */
  build(open: OpenVg, ctx: ViewContext, liveMoveLayer: boolean, options: { remember?: boolean; lvs?: boolean } = {}): VgView {
    const remember = options.remember ?? true;
    const vg = open.vg;
    const signature = `${vg.extentSizeSectors}\n${[...open.images].join('\n')}`;
    const fresh = signature !== this.signature;
    if (fresh && remember) this.reset(signature, pvNamesOf(open));
    const names = fresh ? pvNamesOf(open) : this.names!;
    const lvModels = fresh && !remember ? new Map<string, LogicalVolume>() : this.lvModels;

    // Which LVs differ from the last build, and so which PVs' runs may have changed.
    const affected = new Set<string>();
    const models = new Array<LogicalVolume>(vg.lvs.length);
    const changed: LogicalVolume[] = [];
    let kept = 0;
    vg.lvs.forEach((lv, i) => {
      const old = lvModels.get(lv.name);
      if (old) kept++;
      if (old && (old === lv || sameData(old, lv))) return void (models[i] = old);
      models[i] = lv;
      changed.push(lv);
      if (old) addMovedPvs(old, lv, affected);
      else addPvsOf(lv, affected);
    });
    const removed: string[] = [];
    if (kept < lvModels.size) {
      const now = new Set(vg.lvs.map((lv) => lv.name));
      for (const [name, old] of lvModels) {
        if (now.has(name)) continue;
        removed.push(name);
        addPvsOf(old, affected);
      }
    }
    const move = readMove(vg);
    if (changed.length || removed.length) {
      // An LV that uses pvmove0 is drawn on pvmove0's PVs: any change may redraw them.
      for (const layer of [this.layer, move?.layer]) {
        if (!layer) continue;
        const old = lvModels.get(layer);
        if (old) addPvsOf(old, affected);
        const now = findLv(vg, layer);
        if (now) addPvsOf(now, affected);
      }
    }

    // PVs: built again when their runs or their own fields may differ.
    const stale = vg.pvs.filter((pv) => {
      const cached = fresh ? undefined : this.pvViews.get(pv.id);
      return !cached || affected.has(pv.id) || cached.devno !== pvDevno(open, pv.id, ctx) || !(cached.model === pv || sameData(cached.model, pv));
    });
    const maps = new Map(this.mapsOf(vg, stale, changed, fresh).map((m) => [m.pvId, m]));
    const pvs: PvView[] = vg.pvs.map((pv) => {
      const map = maps.get(pv.id);
      if (!map) return this.pvViews.get(pv.id)!.view;
      const view = pvView(open, pv, map, move, names, ctx);
      if (remember) this.pvViews.set(pv.id, { model: pv, devno: view.devno, view });
      return view;
    });

    let lvs: LvView[] = [];
    if (options.lvs ?? true) {
      lvs = vg.lvs.map((lv, i) => {
        const dmName = ctx.lvDmName(vg.name, lv.name);
        const cached = fresh ? undefined : this.lvViews.get(lv.name);
        if (cached && cached.model === models[i] && cached.dmName === dmName) return cached.view;
        const view = lvView(open, lv, names, dmName);
        if (remember) this.lvViews.set(lv.name, { model: models[i], dmName, view });
        return view;
      });
    }

    if (remember) {
      for (const lv of changed) {
        const old = lvModels.get(lv.name);
        if (old) this.index(lv.name, old, false);
        this.index(lv.name, lv, true);
        lvModels.set(lv.name, lv);
      }
      for (const name of removed) {
        this.index(name, lvModels.get(name)!, false);
        lvModels.delete(name);
        this.lvViews.delete(name);
      }
      if (this.pvViews.size > vg.pvs.length) {
        const ids = new Set(vg.pvs.map((pv) => pv.id));
        for (const id of this.pvViews.keys()) if (!ids.has(id)) this.pvViews.delete(id);
      }
      this.layer = move?.layer ?? null;
    }

    const bytesPerExtent = vg.extentSizeSectors * SECTOR_SIZE;
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
      lvs,
      moveInProgress: move && !liveMoveLayer ? moveRecoveryView(move, names, vg.extentSizeSectors) : null,
    };
  }

  /**
   * The extent maps of the PVs `stale`. Built from every LV when most PVs are stale (the first
   * build); else from the LVs that had extents on them at the last build and the LVs that
   * changed since, which are all that can have extents on them now.
   */
  private mapsOf(vg: VolumeGroup, stale: readonly PhysicalVolume[], changed: readonly LogicalVolume[], fresh: boolean): PvExtentMap[] {
    if (stale.length === 0) return [];
    if (fresh || stale.length === vg.pvs.length) return pvExtentMaps(vg, stale.length === vg.pvs.length ? undefined : new Set(stale.map((pv) => pv.id)));
    const lvs = new Set(changed.map((lv) => lv.name));
    for (const pv of stale) for (const name of this.lvsOnPv.get(pv.id) ?? []) lvs.add(name);
    return pvExtentMaps({ ...vg, lvs: vg.lvs.filter((lv) => lvs.has(lv.name)) }, new Set(stale.map((pv) => pv.id)));
  }

  /** Adds (or removes) `name` on the PVs `lv` has extents on. */
  private index(name: string, lv: LogicalVolume, add: boolean): void {
    const pvs = new Set<string>();
    addPvsOf(lv, pvs);
    for (const id of pvs) {
      let names = this.lvsOnPv.get(id);
      if (!names) this.lvsOnPv.set(id, (names = new Set()));
      if (add) names.add(name);
      else names.delete(name);
    }
  }

  private reset(signature: string, names: PvNames): void {
    this.signature = signature;
    this.names = names;
    this.lvModels = new Map();
    this.lvViews.clear();
    this.pvViews.clear();
    this.layer = null;
    this.lvsOnPv.clear();
  }
}

/**
 * The PVs where `old` and `now` (one LV before and after a change) differ in the runs a PV map
 * shows: where each area lies and which LEs it holds. A pvmove checkpoint changes an LV on two
 * of its PVs, not on the others it has extents on.
 */
function addMovedPvs(old: LogicalVolume, now: LogicalVolume, into: Set<string>): void {
  const before = runsByPv(old);
  const after = runsByPv(now);
  for (const [pvId, runs] of before) if (after.get(pvId) !== runs) into.add(pvId);
  for (const pvId of after.keys()) if (!before.has(pvId)) into.add(pvId);
}

/** Each PV's runs of one LV as one string (PE, count, first LE, leg; in segment order), by PV id. */
function runsByPv(lv: LogicalVolume): Map<string, string> {
  const out = new Map<string, string>();
  const add = (pvId: string, run: string) => out.set(pvId, `${out.get(pvId) ?? ''}${run};`);
  for (const seg of lv.segments) {
    const count = areaExtentCount(seg);
    segmentAreas(seg).forEach((area, areaIndex) => {
      if (area.kind === 'pv') add(area.pvId, `${area.pe}+${count}@${seg.startExtent}.${areaIndex}`);
    });
    // Their extent count also depends on the PV's size: a PV whose size changes is built again anyway.
    if (isOther(seg)) for (const area of seg.pvAreas ?? []) if (area.kind === 'pv') add(area.pvId, `${area.pe}+${seg.extentCount}@${seg.startExtent}.other`);
  }
  return out;
}

/** The PVs an LV has extents on (segment areas, and the PV areas of segments kept verbatim). */
function addPvsOf(lv: LogicalVolume, into: Set<string>): void {
  for (const seg of lv.segments) {
    for (const area of segmentAreas(seg)) if (area.kind === 'pv') into.add(area.pvId);
    if (isOther(seg)) for (const area of seg.pvAreas ?? []) if (area.kind === 'pv') into.add(area.pvId);
  }
}

function pvDevno(open: OpenVg, pvId: string, ctx: ViewContext): string {
  const image = open.images.get(pvId);
  return image ? (ctx.imageDevno(image) ?? '') : '';
}

function pvView(open: OpenVg, pv: PhysicalVolume, map: PvExtentMap, move: MoveInProgress | null, names: PvNames, ctx: ViewContext): PvView {
  const image = open.images.get(pv.id) ?? null;
  const free = map.free.reduce((n, r) => n + r.count, 0);
  return {
    name: names.nameOf(pv.id),
    image: image ?? '',
    pvSection: pv.key,
    uuid: pv.id,
    devno: pvDevno(open, pv.id, ctx),
    sizeBytes: pv.devSizeSectors * SECTOR_SIZE,
    peStartSectors: pv.peStartSectors,
    peCount: pv.peCount,
    allocatedCount: pv.peCount - free,
    allocatable: pv.status.includes('ALLOCATABLE'),
    missing: !image,
    runs: pvRuns(map, move),
  };
}

/** The view of one VG, built whole (no cache to build against). */
export function vgView(open: OpenVg, ctx: ViewContext, liveMoveLayer: boolean): VgView {
  return new VgViewCache().build(open, ctx, liveMoveLayer);
}

/**
 * The view caches of each workspace's VGs, by VG name: the session's views build against them.
 * Keyed by the open workspace: an LVM command reopens it (engine.lvmCommand), and its first view
 * is built whole, as the reopen re-reads and re-activates everything anyway; a move's commits
 * stay in one workspace and build against the last view.
 */
const workspaceCaches = new WeakMap<LvmWorkspace, Map<string, VgViewCache>>();
let cachesBypassed = false;

/** What `build` returns with every workspace view built whole, as if nothing were cached (tests and benches compare the two). */
export function withoutViewCaches<T>(build: () => T): T {
  cachesBypassed = true;
  try {
    return build();
  } finally {
    cachesBypassed = false;
  }
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
  const caches = workspaceCaches.get(ws) ?? new Map<string, VgViewCache>();
  workspaceCaches.set(ws, caches);
  const views = vgs.map((open) => {
    if (cachesBypassed) return vgView(open, ctx, open.vg.name === liveMoveVg);
    const cache = caches.get(open.vg.name) ?? new VgViewCache();
    caches.set(open.vg.name, cache);
    return cache.build(open, ctx, open.vg.name === liveMoveVg);
  });
  // A VG that is gone (removed, renamed) takes its cache with it.
  if (!cachesBypassed) for (const name of caches.keys()) if (!vgs.some((open) => open.vg.name === name)) caches.delete(name);
  return { path, images, vgs: views, problems };
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
