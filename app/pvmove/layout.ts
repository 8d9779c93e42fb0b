// The on-disk states of a move, as real LVM2 writes them (lvm2-format.md §5–6), as pure
// VG-model transforms:
//   beginMove   — affected LVs become LOCKED, their moving segments point at the hidden
//                 `pvmove0` LV, which holds one mirror segment (source, destination) per run;
//   checkpoint  — a finished pvmove0 segment gets `extents_moved = extent_count`;
//   finishLayer — LVM2's first finishing commit: every user LV leaves the layer (finish: every
//                 run to its destination; abort: a run goes to the destination only if its
//                 segment was checkpointed, else back to the source — LVM2's non-atomic
//                 abort), LOCKED is cleared, adjacent segments merge, and pvmove0 becomes a
//                 plain hidden LV of one 1-extent `error` segment (as LVM2 2.03 writes it);
//   removeLayer — the second finishing commit: pvmove0 is gone;
//   resolveLv   — the outline's per-LV commit (step 7 of an LV that is not the last): one LV
//                 leaves the layer by the checkpoint rule and pvmove0 loses its segments;
//   readMove    — what a VG's metadata says about a move in progress (ours or LVM2's).
// Every transform works on a copy (cloneVg) and leaves its input untouched.

import { LvmscopeError } from '../base/result';
import { assert } from '../base/assert';
import type { AreaRef, LogicalVolume, MirrorSegment, OtherSegment, Segment, StripedSegment, VolumeGroup } from '../lvm/model/types';
import { cloneVg, isMirror, isOther, isStriped, lvExtentCount } from '../lvm/model/types';
import type { ExtentMove } from './plan';

export const LAYER_NAME = 'pvmove0';
/** LVM2's `activation/raid_region_size` default (2 MiB), which pvmove writes as each segment's region_size. */
export const DEFAULT_REGION_SECTORS = 4096;

/** One run of a move in progress, read back from the metadata. */
export interface MoveRun extends ExtentMove {
  /** Index of the pvmove0 segment (0-based). */
  layerSegment: number;
  layerLe: number;
  moved: boolean;
  regionSizeSectors?: number;
}

export interface MoveInProgress {
  layer: string;
  runs: MoveRun[];
  lvs: string[];
  /**
   * Between LVM2's two finishing commits: the users already map straight onto the PVs and
   * pvmove0's segments are `error`; only the layer's removal is left.
   */
  finishing: boolean;
  /** An --atomic move: one mirror segment over pvmove0_mimage_0 (sources) and _1 (destinations). */
  atomic: boolean;
  /**
   * Where an atomic move is in LVM2's finish (tools/pvmove.c via lv_remove_mirrors): `mirror`
   * (copying), `detached` (pvmove0 linear on the destinations, both sub-LVs still listed) or
   * `source-dropped` (pvmove0_mimage_0 removed); undefined for a non-atomic move.
   */
  atomicStage?: 'mirror' | 'detached' | 'source-dropped';
}

/** The hidden sub-LVs of an --atomic move's mirror: its source leg and its destination leg. */
export function imageNames(layer: string): [string, string] {
  return [`${layer}_mimage_0`, `${layer}_mimage_1`];
}

export interface LayerIdentity {
  id: string;
  creationTime: number;
  creationHost: string;
  /** The ids of pvmove0_mimage_0 and _1 (an --atomic move). */
  imageIds?: [string, string];
}

/** A stand-in layer identity for layouts that are only computed, never written. */
export const PREVIEW_LAYER: LayerIdentity = { id: 'x'.repeat(32), creationTime: 0, creationHost: '', imageIds: ['y'.repeat(32), 'z'.repeat(32)] };

/** Splits an LV's segments so that `le` starts a segment (linear segments only). */
function splitAt(lv: LogicalVolume, le: number): void {
  const i = lv.segments.findIndex((s) => s.startExtent < le && le < s.startExtent + s.extentCount);
  if (i < 0) return;
  const seg = lv.segments[i];
  assert(isStriped(seg) && seg.stripes.length === 1, `cannot split a ${seg.type} segment of ${lv.name}`);
  const head = le - seg.startExtent;
  const area = seg.stripes[0];
  const tailArea: AreaRef = area.kind === 'pv' ? { ...area, pe: area.pe + head } : { ...area, le: area.le + head };
  const first: StripedSegment = { ...seg, extentCount: head, stripes: [{ ...area }] };
  const second: StripedSegment = { ...seg, startExtent: le, extentCount: seg.extentCount - head, stripes: [tailArea], extra: [] };
  lv.segments.splice(i, 1, first, second);
}

function lvOf(vg: VolumeGroup, name: string): LogicalVolume {
  const lv = vg.lvs.find((l) => l.name === name);
  if (!lv) throw new LvmscopeError('NOT_FOUND', `VG ${vg.name} has no LV named ${name}.`);
  return lv;
}

/**
 * The begin commit. Non-atomic: one pvmove0 mirror segment per run (source, destination).
 * `atomic` (pvmove --atomic): pvmove0 is a single mirror segment over two hidden sub-LVs,
 * pvmove0_mimage_0 holding the runs' source extents and pvmove0_mimage_1 their destinations,
 * so the whole move lands at once or not at all.
 */
export function beginMove(input: VolumeGroup, moves: ExtentMove[], regionSizeSectors: number, layer: LayerIdentity, atomic = false): VolumeGroup {
  const vg = cloneVg(input);
  assert(!vg.lvs.some((l) => l.name === LAYER_NAME), 'a pvmove0 layer already exists');
  const layerSegments: MirrorSegment[] = [];
  const images: [StripedSegment[], StripedSegment[]] = [[], []];
  let layerLe = 0;
  for (const m of moves) {
    const lv = lvOf(vg, m.lv);
    splitAt(lv, m.startLe);
    splitAt(lv, m.startLe + m.count);
    const seg = lv.segments.find((s) => s.startExtent === m.startLe);
    assert(seg && isStriped(seg) && seg.extentCount === m.count, `segment of ${m.lv} at LE ${m.startLe} did not split cleanly`);
    seg.stripes = [{ kind: 'lv', lvName: LAYER_NAME, le: layerLe }];
    images[0].push({ type: 'striped', startExtent: layerLe, extentCount: m.count, stripes: [{ kind: 'pv', pvId: m.fromPvId, pe: m.fromPe }], extra: [] });
    images[1].push({ type: 'striped', startExtent: layerLe, extentCount: m.count, stripes: [{ kind: 'pv', pvId: m.toPvId, pe: m.toPe }], extra: [] });
    layerSegments.push({
      type: 'mirror',
      startExtent: layerLe,
      extentCount: m.count,
      extentsMoved: 0,
      regionSizeSectors,
      mirrors: [
        { kind: 'pv', pvId: m.fromPvId, pe: m.fromPe },
        { kind: 'pv', pvId: m.toPvId, pe: m.toPe },
      ],
      extra: [],
    });
    layerLe += m.count;
    if (!lv.status.includes('LOCKED')) lv.status.push('LOCKED');
  }
  const hidden = (name: string, id: string, status: string[], segments: Segment[], allocationPolicy?: string): LogicalVolume => ({
    name,
    id,
    status,
    flags: [],
    creationTime: layer.creationTime,
    creationHost: layer.creationHost,
    ...(allocationPolicy ? { allocationPolicy } : {}),
    segments,
    extra: [],
  });
  if (!atomic) {
    vg.lvs.push(hidden(LAYER_NAME, layer.id, ['READ', 'WRITE', 'PVMOVE', 'LOCKED'], layerSegments, 'contiguous'));
    return vg;
  }
  assert(layer.imageIds, 'an atomic move needs ids for its two sub-LVs');
  const [image0, image1] = imageNames(LAYER_NAME);
  const whole: MirrorSegment = {
    type: 'mirror',
    startExtent: 0,
    extentCount: layerLe,
    extentsMoved: 0,
    regionSizeSectors,
    mirrors: [
      { kind: 'lv', lvName: image0, le: 0 },
      { kind: 'lv', lvName: image1, le: 0 },
    ],
    extra: [],
  };
  vg.lvs.push(hidden(LAYER_NAME, layer.id, ['READ', 'WRITE', 'PVMOVE', 'LOCKED'], [whole], 'contiguous'));
  vg.lvs.push(hidden(image0, layer.imageIds[0], ['READ', 'WRITE'], images[0]));
  vg.lvs.push(hidden(image1, layer.imageIds[1], ['READ', 'WRITE'], images[1]));
  return vg;
}

/**
 * The layer of a move: the PVMOVE LV, or the hidden `pvmoveN` LV LVM2's first finishing commit
 * leaves (no longer PVMOVE or LOCKED, one 1-extent `error` segment, nothing on top of it) when
 * the process dies before the second commit removes it.
 */
export function layerOf(vg: VolumeGroup): LogicalVolume | undefined {
  return vg.lvs.find((l) => l.status.includes('PVMOVE')) ?? vg.lvs.find((l) => isLeftoverLayer(vg, l));
}

function isLeftoverLayer(vg: VolumeGroup, lv: LogicalVolume): boolean {
  if (!/^pvmove\d+$/.test(lv.name) || lv.status.includes('VISIBLE') || lv.segments.length === 0 || !lv.segments.every(isErrorSegment)) return false;
  return !vg.lvs.some((other) => other.segments.some((s) => isStriped(s) && s.stripes.some((a) => a.kind === 'lv' && a.lvName === lv.name)));
}

export function checkpoint(input: VolumeGroup, layerSegment: number): VolumeGroup {
  const vg = cloneVg(input);
  const layer = layerOf(vg);
  assert(layer, 'checkpoint without a move in progress');
  const seg = layer.segments[layerSegment];
  assert(seg && isMirror(seg), `pvmove layer has no mirror segment ${layerSegment}`);
  seg.extentsMoved = seg.extentCount;
  return vg;
}

/**
 * What the metadata says about a move in progress, or null when there is none. Read once per
 * model: models are never changed in place (every transform clones), and a running move asks
 * on every progress tick (progress, crash cost, the layer view).
 */
const readMoves = new WeakMap<VolumeGroup, MoveInProgress | null>();
export function readMove(vg: VolumeGroup): MoveInProgress | null {
  if (readMoves.has(vg)) return readMoves.get(vg)!;
  const move = readMoveOf(vg);
  readMoves.set(vg, move);
  return move;
}

function readMoveOf(vg: VolumeGroup): MoveInProgress | null {
  const layer = layerOf(vg);
  if (!layer) return null;
  if (layer.segments.length > 0 && layer.segments.every(isErrorSegment)) return { layer: layer.name, runs: [], lvs: [], finishing: true, atomic: false };
  const atomic = readAtomic(vg, layer);
  if (atomic) return atomic;
  const runs: MoveRun[] = [];
  layer.segments.forEach((seg, layerSegment) => {
    if (!isMirror(seg) || seg.mirrors.length !== 2) {
      throw new LvmscopeError('UNSUPPORTED', `${layer.name} segment ${layerSegment + 1} is a ${seg.type} segment with ${isMirror(seg) ? seg.mirrors.length : 0} legs; lvmscope resumes two-leg pvmove mirrors only.`);
    }
    const [src, dst] = seg.mirrors;
    if (src.kind !== 'pv' || dst.kind !== 'pv') throw new LvmscopeError('UNSUPPORTED', `${layer.name} segment ${layerSegment + 1} has a leg on a sub-LV; lvmscope resumes atomic moves of one segment only.`);
    const user = findUser(vg, layer.name, seg.startExtent);
    if (!user) throw new LvmscopeError('CORRUPT', `No LV uses ${layer.name} LE ${seg.startExtent}; the move metadata is inconsistent (vgck will say more).`);
    runs.push({
      layerSegment,
      layerLe: seg.startExtent,
      lv: user.lv.name,
      startLe: user.le,
      count: seg.extentCount,
      fromPvId: src.pvId,
      fromPe: src.pe,
      toPvId: dst.pvId,
      toPe: dst.pe,
      moved: (seg.extentsMoved ?? 0) >= seg.extentCount,
      regionSizeSectors: seg.regionSizeSectors,
    });
  });
  return { layer: layer.name, runs, lvs: [...new Set(runs.map((r) => r.lv))], finishing: false, atomic: false };
}

/** An --atomic move: runs are the sub-LVs' segments (source in _mimage_0, destination in _mimage_1). */
function readAtomic(vg: VolumeGroup, layer: LogicalVolume): MoveInProgress | null {
  const seg = layer.segments[0];
  if (layer.segments.length !== 1 || !isMirror(seg) || seg.mirrors.length !== 2 || seg.mirrors.some((a) => a.kind !== 'lv')) return readDetached(vg, layer);
  const [source, destination] = seg.mirrors.map((a) => vg.lvs.find((l) => a.kind === 'lv' && l.name === a.lvName));
  if (!source || !destination) throw new LvmscopeError('CORRUPT', `${layer.name}'s mirror names a sub-LV that is not in ${vg.name}; the move metadata is inconsistent (vgck will say more).`);
  const moved = (seg.extentsMoved ?? 0) >= seg.extentCount;
  const runs: MoveRun[] = source.segments.map((s, index) => {
    const from = isStriped(s) && s.stripes.length === 1 ? s.stripes[0] : undefined;
    const to = legPieces(vg, destination.name, s.startExtent, s.extentCount);
    const user = findUser(vg, layer.name, s.startExtent);
    if (!from || from.kind !== 'pv' || to.length !== 1 || !user) throw new LvmscopeError('UNSUPPORTED', `${layer.name}'s sub-LVs are not laid out as pvmove --atomic writes them (one linear segment per run on each side); lvmscope cannot resume this move.`);
    return { layerSegment: index, layerLe: s.startExtent, lv: user.lv.name, startLe: user.le, count: s.extentCount, fromPvId: from.pvId, fromPe: from.pe, toPvId: to[0].pvId, toPe: to[0].pe, moved, regionSizeSectors: seg.regionSizeSectors };
  });
  return { layer: layer.name, runs, lvs: [...new Set(runs.map((r) => r.lv))], finishing: false, atomic: true, atomicStage: 'mirror' };
}

/**
 * An atomic move past its copy, in LVM2's finish: pvmove0 is linear on the destinations and
 * its sub-LVs are detached (pvmove0_mimage_0 still holds the sources until it is dropped).
 * Every run is on its destination already.
 */
function readDetached(vg: VolumeGroup, layer: LogicalVolume): MoveInProgress | null {
  const [source, destination] = imageNames(layer.name).map((name) => vg.lvs.find((l) => l.name === name));
  if (!destination) return null;
  const runs: MoveRun[] = layer.segments.map((s, index) => {
    const to = isStriped(s) && s.stripes.length === 1 ? s.stripes[0] : undefined;
    const from = source ? legPieces(vg, source.name, s.startExtent, s.extentCount) : [];
    const user = findUser(vg, layer.name, s.startExtent);
    if (!to || to.kind !== 'pv' || !user || (source && from.length !== 1)) throw new LvmscopeError('UNSUPPORTED', `${layer.name} is not laid out as pvmove --atomic leaves it while finishing; lvmscope cannot resume this move.`);
    const origin = from[0] ?? { pvId: to.pvId, pe: to.pe };
    return { layerSegment: index, layerLe: s.startExtent, lv: user.lv.name, startLe: user.le, count: s.extentCount, fromPvId: origin.pvId, fromPe: origin.pe, toPvId: to.pvId, toPe: to.pe, moved: true };
  });
  return { layer: layer.name, runs, lvs: [...new Set(runs.map((r) => r.lv))], finishing: false, atomic: true, atomicStage: source ? 'detached' : 'source-dropped' };
}

/**
 * LVM2's first commit of an atomic finish (lv_remove_mirrors on the PVMOVE mirror, as a real
 * kernel's trace shows): pvmove0 takes pvmove0_mimage_1's linear segments on the destinations
 * and moves to the end of the LV list; both sub-LVs become visible, detached LVs, the source
 * one keeping its segments, the destination one left with a single error segment.
 */
export function detachAtomic(input: VolumeGroup): VolumeGroup {
  const vg = cloneVg(input);
  const layer = layerOf(vg);
  assert(layer, 'detachAtomic without a move in progress');
  const [source, destination] = imageNames(layer.name).map((name) => lvOf(vg, name));
  layer.segments = destination.segments.map((seg) => ({ ...(seg as StripedSegment), stripes: (seg as StripedSegment).stripes.map((a) => ({ ...a })), extra: [] }));
  const visible = (lv: LogicalVolume) => (lv.status = [...lv.status.filter((w) => w !== 'VISIBLE'), 'VISIBLE']);
  visible(source);
  visible(destination);
  destination.segments = [errorSegment({ startExtent: 0, extentCount: lvExtentCount(destination) })];
  vg.lvs = [...vg.lvs.filter((l) => l !== layer), layer];
  return vg;
}

/** The next commit of an atomic finish: the detached source sub-LV (pvmove0_mimage_0) is removed. */
export function dropSourceImage(input: VolumeGroup): VolumeGroup {
  const vg = cloneVg(input);
  const layer = layerOf(vg);
  assert(layer, 'dropSourceImage without a move in progress');
  const [source] = imageNames(layer.name);
  vg.lvs = vg.lvs.filter((l) => l.name !== source);
  return vg;
}

/** The PV pieces of `count` extents of a leg LV from `le` (a sub-LV's linear segments), in order. */
function legPieces(vg: VolumeGroup, lvName: string, le: number, count: number): Array<{ pvId: string; pe: number; count: number }> {
  const lv = lvOf(vg, lvName);
  const pieces: Array<{ pvId: string; pe: number; count: number }> = [];
  for (const s of lv.segments) {
    const from = Math.max(le, s.startExtent);
    const to = Math.min(le + count, s.startExtent + s.extentCount);
    if (from >= to) continue;
    const area = isStriped(s) && s.stripes.length === 1 ? s.stripes[0] : undefined;
    if (!area || area.kind !== 'pv') throw new LvmscopeError('UNSUPPORTED', `${lvName} is not linear on PVs; lvmscope moves through linear sub-LVs only.`);
    pieces.push({ pvId: area.pvId, pe: area.pe + (from - s.startExtent), count: to - from });
  }
  return pieces;
}

function isErrorSegment(seg: Segment): boolean {
  return isOther(seg) && seg.type === 'error';
}

/** An `error` segment (what LVM2 leaves in pvmove0 once nothing uses it). */
function errorSegment(seg: Pick<Segment, 'startExtent' | 'extentCount'>): OtherSegment {
  return {
    type: 'error',
    startExtent: seg.startExtent,
    extentCount: seg.extentCount,
    unsupported: true,
    body: [{ key: 'type', value: { kind: 'string', value: 'error' } }],
    reason: 'segment type "error" is what a finished pvmove leaves in its layer until the layer is removed',
    extra: [],
  };
}

/** The user LV and LE that map onto `layerLe` of the layer LV. */
function findUser(vg: VolumeGroup, layerName: string, layerLe: number): { lv: LogicalVolume; le: number } | undefined {
  for (const lv of vg.lvs) {
    for (const seg of lv.segments) {
      if (!isStriped(seg) || seg.stripes.length !== 1) continue;
      const a = seg.stripes[0];
      if (a.kind === 'lv' && a.lvName === layerName && a.le <= layerLe && layerLe < a.le + seg.extentCount) {
        return { lv, le: seg.startExtent + (layerLe - a.le) };
      }
    }
  }
  return undefined;
}

/**
 * The outline's per-LV commit: one LV leaves the layer, each run to the destination if its
 * layer segment was checkpointed, else back to the source; pvmove0 loses those segments and
 * disappears when empty.
 */
export function resolveLv(input: VolumeGroup, lvName: string): VolumeGroup {
  const vg = cloneVg(input);
  const layer = layerOf(vg);
  assert(layer, 'resolveLv without a move in progress');
  const used = new Set<number>();
  leaveLayer(vg, layer, lvName, used);
  compactLayer(vg, layer, used);
  return vg;
}

/**
 * LVM2's first finishing commit (tools/pvmove.c _finish_pvmove: lv_remove_mirrors, then
 * remove_layers_for_segments_all): every user leaves the layer and pvmove0's segments become
 * `error`. `finish` puts every run on its destination (the mirrors are in sync); `abort` only
 * the checkpointed ones, the others go back to the source.
 */
export function finishLayer(input: VolumeGroup, mode: 'finish' | 'abort'): VolumeGroup {
  const vg = cloneVg(input);
  const layer = layerOf(vg);
  assert(layer, 'finishLayer without a move in progress');
  if (mode === 'finish') for (const seg of layer.segments) if (isMirror(seg)) seg.extentsMoved = seg.extentCount;
  const users = vg.lvs.filter((lv) => lv !== layer && lv.segments.some((s) => isStriped(s) && s.stripes.some((a) => a.kind === 'lv' && a.lvName === layer.name)));
  for (const lv of users) leaveLayer(vg, layer, lv.name, new Set());
  // An atomic move's sub-LVs go in the same commit: their extents now belong to the users.
  const images = imageNames(layer.name);
  vg.lvs = vg.lvs.filter((l) => !images.includes(l.name));
  // What LVM2 2.03 writes (seen in a real PV's metadata ring): the layer is no longer PVMOVE or
  // LOCKED and holds one 1-extent error segment, whatever its size was.
  layer.status = layer.status.filter((w) => w !== 'PVMOVE' && w !== 'LOCKED');
  layer.segments = [errorSegment({ startExtent: 0, extentCount: 1 })];
  return vg;
}

/** LVM2's second finishing commit: the layer LV is removed. */
export function removeLayer(input: VolumeGroup): VolumeGroup {
  const vg = cloneVg(input);
  const layer = layerOf(vg);
  assert(layer, 'removeLayer without a move in progress');
  assert(!vg.lvs.some((lv) => lv.segments.some((s) => isStriped(s) && s.stripes.some((a) => a.kind === 'lv' && a.lvName === layer.name))), `${layer.name} is still in use`);
  const images = imageNames(layer.name);
  vg.lvs = vg.lvs.filter((l) => l !== layer && !images.includes(l.name));
  return vg;
}

/** Rewrites `lvName`'s segments on the layer straight onto PVs (by the checkpoint rule); LOCKED is cleared. */
function leaveLayer(vg: VolumeGroup, layer: LogicalVolume, lvName: string, usedLayerSegments: Set<number>): void {
  const lv = lvOf(vg, lvName);
  const segments: Segment[] = [];
  for (const seg of lv.segments) {
    const area = isStriped(seg) && seg.stripes.length === 1 ? seg.stripes[0] : undefined;
    if (!area || area.kind !== 'lv' || area.lvName !== layer.name) {
      segments.push(seg);
      continue;
    }
    segments.push(...directPieces(vg, layer, seg as StripedSegment, area.le, usedLayerSegments));
  }
  lv.segments = mergeAdjacent(segments);
  lv.status = lv.status.filter((s) => s !== 'LOCKED');
}

/** The LV segment `seg` (mapped onto the layer at `layerLe`) rewritten straight onto PVs. */
function directPieces(vg: VolumeGroup, layer: LogicalVolume, seg: StripedSegment, layerLe: number, used: Set<number>): StripedSegment[] {
  const pieces: StripedSegment[] = [];
  layer.segments.forEach((ls, index) => {
    const from = Math.max(layerLe, ls.startExtent);
    const to = Math.min(layerLe + seg.extentCount, ls.startExtent + ls.extentCount);
    if (from >= to) return;
    used.add(index);
    // A detached atomic layer is linear on the destinations already.
    const linear = isStriped(ls) && ls.stripes.length === 1 ? ls.stripes[0] : undefined;
    assert(linear || isMirror(ls), 'layer segment is neither a mirror nor linear');
    const moved = isMirror(ls) && (ls.extentsMoved ?? 0) >= ls.extentCount;
    const leg = linear ?? (ls as MirrorSegment).mirrors[moved ? 1 : 0];
    // A leg on a PV, or (an atomic move) on a sub-LV whose linear segments hold the extents.
    const onPvs = leg.kind === 'pv' ? [{ pvId: leg.pvId, pe: leg.pe + (from - ls.startExtent), count: to - from }] : legPieces(vg, leg.lvName, leg.le + (from - ls.startExtent), to - from);
    let at = from;
    for (const piece of onPvs) {
      pieces.push({
        type: 'striped',
        startExtent: seg.startExtent + (at - layerLe),
        extentCount: piece.count,
        stripes: [{ kind: 'pv', pvId: piece.pvId, pe: piece.pe }],
        extra: pieces.length === 0 ? seg.extra : [],
      });
      at += piece.count;
    }
  });
  const covered = pieces.reduce((n, p) => n + p.extentCount, 0);
  if (covered !== seg.extentCount) throw new LvmscopeError('CORRUPT', `The pvmove layer does not cover LEs ${seg.startExtent}-${seg.startExtent + seg.extentCount - 1}; the move metadata is inconsistent.`);
  return pieces;
}

/** Merges neighbouring linear segments that continue on the same PV (as LVM2 does). */
function mergeAdjacent(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const seg of segments) {
    const prev = out[out.length - 1];
    if (prev && canMerge(prev, seg)) {
      prev.extentCount += seg.extentCount;
      continue;
    }
    out.push(seg);
  }
  return out;
}

function canMerge(a: Segment, b: Segment): a is StripedSegment {
  if (!isStriped(a) || !isStriped(b) || a.stripes.length !== 1 || b.stripes.length !== 1) return false;
  if (a.extra.length || b.extra.length) return false;
  const x = a.stripes[0];
  const y = b.stripes[0];
  return x.kind === 'pv' && y.kind === 'pv' && x.pvId === y.pvId && x.pe + a.extentCount === y.pe && a.startExtent + a.extentCount === b.startExtent;
}

/** Drops the layer segments in `used`, renumbers the rest, and fixes every reference to them. */
function compactLayer(vg: VolumeGroup, layer: LogicalVolume, used: Set<number>): void {
  const newLe = new Map<number, number>();
  const kept: Segment[] = [];
  let at = 0;
  layer.segments.forEach((seg, index) => {
    if (used.has(index)) return;
    newLe.set(seg.startExtent, at);
    kept.push({ ...seg, startExtent: at } as Segment);
    at += seg.extentCount;
  });
  for (const lv of vg.lvs) {
    for (const seg of lv.segments) {
      if (!isStriped(seg)) continue;
      for (const a of seg.stripes) {
        if (a.kind !== 'lv' || a.lvName !== layer.name) continue;
        const base = [...newLe.keys()].filter((k) => k <= a.le).sort((p, q) => q - p)[0];
        assert(base !== undefined, `reference to a removed ${layer.name} segment`);
        a.le = newLe.get(base)! + (a.le - base);
      }
    }
  }
  if (kept.length === 0) vg.lvs = vg.lvs.filter((l) => l !== layer);
  else layer.segments = kept;
}

/**
 * The layout once the move of `lvs` (default: every LV in the layer) has finished: each of
 * their runs resolved onto its destination. For "after" maps and narration.
 */
export function finishedLayout(input: VolumeGroup, lvs?: string[]): VolumeGroup {
  const move = readMove(input);
  if (!move) return input;
  if (move.finishing) return removeLayer(input);
  const which = lvs ?? move.lvs;
  if (which.length === move.lvs.length && move.lvs.every((lv) => which.includes(lv))) return removeLayer(finishLayer(input, 'finish'));
  let vg = input;
  for (const r of move.runs) if (which.includes(r.lv)) vg = checkpoint(vg, r.layerSegment);
  for (const lv of which) vg = resolveLv(vg, lv);
  return vg;
}

/** The layout an abort leaves: checkpointed runs on their destination, the rest on the source. */
export function abortedLayout(input: VolumeGroup): VolumeGroup {
  const move = readMove(input);
  if (!move) return input;
  return removeLayer(move.finishing ? input : finishLayer(input, 'abort'));
}
