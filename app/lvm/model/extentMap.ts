// Who owns which physical extent, and where each logical extent lives. These are the helpers the
// pvmove planner, the activation code and the UI build on. All ranges are half-open in spirit
// but given as {start, count}.

import { LvmscopeError } from '../../base/result';
import { areaExtentCount, isMirror, isOther, isStriped, segmentAreas, lvExtentCount, type LogicalVolume, type PhysicalVolume, type Segment, type VolumeGroup } from './types';

/** A run of a PV's extents used by one area of one LV segment. */
export interface PvUsedRun {
  pe: number;
  count: number;
  lvName: string;
  /** The LV's first logical extent of this run (for striped areas: the segment start). */
  le: number;
  segmentIndex: number;
  areaIndex: number;
}

export interface PeRun {
  pe: number;
  count: number;
}

export interface PvExtentMap {
  pvId: string;
  peCount: number;
  used: PvUsedRun[];
  free: PeRun[];
}

export function findPv(vg: VolumeGroup, nameOrId: string): PhysicalVolume | undefined {
  const plain = nameOrId.replace(/-/g, '');
  return vg.pvs.find((pv) => pv.id === plain || pv.key === nameOrId);
}

/**
 * Where each LV name was in a VG's LV list when it was last indexed. Activating n LVs looks
 * every LV (and what it is stacked on) up by name, and a scan per lookup made that n²: 185 ms
 * of `lvs` on a 1,000-LV VG. The list may change in place (lvcreate splices, lvrename renames),
 * so a hit is only trusted if the LV is still at that index under that name; anything else
 * rescans and re-indexes.
 */
const lvIndexes = new WeakMap<readonly LogicalVolume[], Map<string, number>>();

function indexLvs(lvs: readonly LogicalVolume[]): Map<string, number> {
  const index = new Map<string, number>();
  lvs.forEach((lv, i) => {
    if (!index.has(lv.name)) index.set(lv.name, i);
  });
  lvIndexes.set(lvs, index);
  return index;
}

export function findLv(vg: VolumeGroup, name: string): LogicalVolume | undefined {
  const at = lvIndexes.get(vg.lvs)?.get(name);
  if (at !== undefined && vg.lvs[at]?.name === name) return vg.lvs[at];
  const fresh = indexLvs(vg.lvs).get(name);
  return fresh === undefined ? undefined : vg.lvs[fresh];
}

/** Every PV-backed area of every segment (on the PVs `only`, if given), as runs of PEs (unsorted). */
function pvRuns(vg: VolumeGroup, only?: ReadonlySet<string>): Map<string, PvUsedRun[]> {
  const byPv = new Map<string, PvUsedRun[]>(vg.pvs.filter((pv) => !only || only.has(pv.id)).map((pv) => [pv.id, []]));
  for (const lv of vg.lvs) {
    lv.segments.forEach((seg, segmentIndex) => {
      const count = areaExtentCount(seg);
      segmentAreas(seg).forEach((area, areaIndex) => {
        if (area.kind !== 'pv') return;
        byPv.get(area.pvId)?.push({ pe: area.pe, count, lvName: lv.name, le: seg.startExtent, segmentIndex, areaIndex });
      });
      // PV areas inside segments lvmscope does not understand still occupy their extents.
      if (isOther(seg)) {
        (seg.pvAreas ?? []).forEach((area, areaIndex) => {
          if (area.kind !== 'pv') return;
          const pv = vg.pvs.find((p) => p.id === area.pvId);
          const n = Math.min(seg.extentCount, (pv?.peCount ?? area.pe) - area.pe);
          if (n > 0) byPv.get(area.pvId)?.push({ pe: area.pe, count: n, lvName: lv.name, le: seg.startExtent, segmentIndex, areaIndex });
        });
      }
    });
  }
  return byPv;
}

/** Extent maps of every PV (or of the PVs `only`, in VG order): used runs sorted by PE, and free runs. */
export function pvExtentMaps(vg: VolumeGroup, only?: ReadonlySet<string>): PvExtentMap[] {
  const runs = pvRuns(vg, only);
  return vg.pvs.filter((pv) => !only || only.has(pv.id)).map((pv) => {
    const used = (runs.get(pv.id) ?? []).sort((a, b) => a.pe - b.pe);
    return { pvId: pv.id, peCount: pv.peCount, used, free: freeRunsOf(pv.peCount, used) };
  });
}

function freeRunsOf(peCount: number, usedSorted: PeRun[]): PeRun[] {
  const free: PeRun[] = [];
  let at = 0;
  for (const u of usedSorted) {
    if (u.pe > at) free.push({ pe: at, count: Math.min(u.pe, peCount) - at });
    at = Math.max(at, u.pe + u.count);
  }
  if (at < peCount) free.push({ pe: at, count: peCount - at });
  return free.filter((r) => r.count > 0);
}

/** Free PE runs of one PV, in PE order. */
export function freeRuns(vg: VolumeGroup, pvId: string): PeRun[] {
  return pvExtentMaps(vg).find((m) => m.pvId === pvId)?.free ?? [];
}

export function freeExtentCount(vg: VolumeGroup, pvIds?: string[]): number {
  return pvExtentMaps(vg)
    .filter((m) => !pvIds || pvIds.includes(m.pvId))
    .reduce((sum, m) => sum + m.free.reduce((s, r) => s + r.count, 0), 0);
}

/** Physical sector of a PE on its PV: pe_start + pe × extent_size. */
export function peSector(vg: VolumeGroup, pv: PhysicalVolume, pe: number): number {
  return pv.peStartSectors + pe * vg.extentSizeSectors;
}

// ---------------------------------------------------------------------------------------------
// LV → physical mapping, resolving stacked LVs (a segment pointing at pvmove0).

/** One leg of a mapped run: the PV and first PE. */
export interface PvLeg {
  pvId: string;
  pe: number;
}

/**
 * A run of an LV's logical extents and where they live. For linear data `legs` has one entry.
 * When the run goes through a mirror (pvmove0), `legs[0]` is the source (where reads go) and
 * `legs[1]` the destination; `via` lists the layer LVs crossed and `mirror` the mirror state.
 * For a striped segment with several stripes, `stripe` says which stripe this run is, and `le`
 * covers the whole segment (the LE → PE relation inside is striped, not linear).
 */
export interface LeRun {
  le: number;
  count: number;
  legs: PvLeg[];
  via: string[];
  mirror?: { lvName: string; segmentIndex: number; extentsMoved?: number; regionSizeSectors?: number; extentCount: number };
  stripe?: { index: number; count: number; sizeSectors?: number; peCount: number };
  /** Set when the run lies on an unsupported segment type (kept verbatim, not mapped). */
  unsupported?: string;
}

const MAX_STACK_DEPTH = 8;

/** The LE ranges of an LV with their PV locations, stacked references resolved. */
export function lvMapping(vg: VolumeGroup, lvName: string): LeRun[] {
  const lv = findLv(vg, lvName);
  if (!lv) throw new LvmscopeError('NOT_FOUND', `VG ${vg.name} has no LV named ${lvName}.`);
  return mapRange(vg, lv, 0, lvExtentCount(lv), 0, []);
}

function mapRange(vg: VolumeGroup, lv: LogicalVolume, le: number, count: number, depth: number, via: string[]): LeRun[] {
  if (depth > MAX_STACK_DEPTH) throw new LvmscopeError('CORRUPT', `LV ${lv.name} is stacked more than ${MAX_STACK_DEPTH} levels deep (a reference loop?).`);
  const out: LeRun[] = [];
  lv.segments.forEach((seg, segmentIndex) => {
    const from = Math.max(le, seg.startExtent);
    const to = Math.min(le + count, seg.startExtent + seg.extentCount);
    if (from >= to) return;
    out.push(...mapSegmentPart(vg, lv, seg, segmentIndex, from, to - from, depth, via));
  });
  return out;
}

function mapSegmentPart(vg: VolumeGroup, lv: LogicalVolume, seg: Segment, segmentIndex: number, le: number, count: number, depth: number, via: string[]): LeRun[] {
  const offset = le - seg.startExtent;
  if (isOther(seg)) return [{ le, count, legs: [], via, unsupported: seg.reason }];
  if (isStriped(seg) && seg.stripes.length > 1) {
    const peCount = areaExtentCount(seg);
    return seg.stripes.map((a, index) => ({ le: seg.startExtent, count: seg.extentCount, legs: a.kind === 'pv' ? [{ pvId: a.pvId, pe: a.pe }] : [], via, stripe: { index, count: seg.stripes.length, sizeSectors: seg.stripeSizeSectors, peCount } }));
  }
  const areas = segmentAreas(seg);
  const mirror = isMirror(seg) ? { lvName: lv.name, segmentIndex, extentsMoved: seg.extentsMoved, regionSizeSectors: seg.regionSizeSectors, extentCount: seg.extentCount } : undefined;
  // Resolve every area to PV runs; for a mirror, zip the legs of the areas together.
  const perArea = areas.map((a) => (a.kind === 'pv' ? [{ le, count, legs: [{ pvId: a.pvId, pe: a.pe + offset }], via }] : resolveLv(vg, a.lvName, a.le + offset, count, depth, via, le)));
  if (perArea.length === 1) return perArea[0].map((r) => (mirror ? { ...r, mirror } : r));
  return zipLegs(perArea, le, count, via, mirror);
}

function resolveLv(vg: VolumeGroup, lvName: string, lowerLe: number, count: number, depth: number, via: string[], upperLe: number): LeRun[] {
  const lower = findLv(vg, lvName);
  if (!lower) throw new LvmscopeError('CORRUPT', `A segment refers to LV ${lvName}, which does not exist in VG ${vg.name}.`);
  return mapRange(vg, lower, lowerLe, count, depth + 1, [...via, lvName]).map((r) => ({ ...r, le: r.le - lowerLe + upperLe }));
}

/** Combines per-area runs (each covering [le, le+count)) into runs with one leg per area. */
function zipLegs(perArea: LeRun[][], le: number, count: number, via: string[], mirror: LeRun['mirror']): LeRun[] {
  const cuts = new Set<number>([le, le + count]);
  for (const runs of perArea) for (const r of runs) cuts.add(r.le);
  const points = [...cuts].sort((a, b) => a - b);
  const out: LeRun[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const at = points[i];
    const legs = perArea.map((runs) => {
      const r = runs.find((x) => x.le <= at && at < x.le + x.count);
      return r && r.legs[0] ? { pvId: r.legs[0].pvId, pe: r.legs[0].pe + (at - r.le) } : undefined;
    });
    out.push({ le: at, count: points[i + 1] - at, legs: legs.filter((l): l is PvLeg => !!l), via, ...(mirror ? { mirror } : {}) });
  }
  return out;
}
