// The plan of a move (`pvmove --dry-run`): which logical extents of which LVs leave which
// physical extents, and where they land. Pure: a VG model in, a plan out, or a refusal with
// one sentence (LOCKED LVs, unsupported segment types, not enough space, unknown names,
// nothing to move). Allocation follows LVM2's policies for pvmove: `normal` and `contiguous`
// never put extents back on a source PV; `anywhere` may (but never onto the moving extents).

import { LvmscopeError } from '../base/result';
import type { LogicalVolume, VolumeGroup } from '../lvm/model/types';
import { isOther, isStriped, lvUsers } from '../lvm/model/types';
import { findLv, pvExtentMaps, type PeRun } from '../lvm/model/extentMap';
import { readMove } from './layout';

export type AllocPolicy = 'normal' | 'contiguous' | 'anywhere';

/** PV display names (image file names without extension) ↔ PV ids. */
export interface PvNames {
  nameOf(pvId: string): string;
  idOf(name: string): string | undefined;
}

export interface PvSpec {
  pvId: string;
  /** PE ranges; empty = the whole PV. */
  ranges: PeRun[];
}

export interface MoveRequestSpec {
  sources: string[];
  destinations: string[];
  lv?: string;
  alloc: AllocPolicy;
  /** LVM2 2.03.36's allocation/pvmove_max_segment_size_mb: no pvmove0 segment is larger. */
  maxSegmentSizeMiB?: number;
  /** pvmove --atomic: one mirror over two sub-LVs. */
  atomic?: boolean;
}

/** One contiguous run of extents that moves: becomes one pvmove0 mirror segment. */
export interface ExtentMove {
  lv: string;
  startLe: number;
  count: number;
  fromPvId: string;
  fromPe: number;
  toPvId: string;
  toPe: number;
}

export interface MovePlan {
  vg: string;
  request: MoveRequestSpec;
  moves: ExtentMove[];
  lvs: string[];
  extentCount: number;
  command: string;
}

/** Parses `pv2`, `pv2:3`, `pv2:0-3`, `pv2:0-3:7-9` (LVM2's PV[:PE[-PE]…] syntax). */
export function parsePvSpec(text: string, names: PvNames, vg: VolumeGroup): PvSpec {
  const [name, ...rangeTexts] = text.split(':');
  const pvId = names.idOf(name);
  const pv = vg.pvs.find((p) => p.id === pvId);
  if (!pvId || !pv) {
    const known = vg.pvs.map((p) => names.nameOf(p.id)).join(', ');
    throw new LvmscopeError('NOT_FOUND', `No PV named '${name}' in ${vg.name}; its PVs are ${known}.`);
  }
  const ranges = rangeTexts.map((r) => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(r);
    if (!m) throw new LvmscopeError('INVALID', `'${r}' in '${text}' is not a PE or PE range (use ${name}:0-3).`);
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    if (last < first) throw new LvmscopeError('INVALID', `PE range ${r} is reversed: it ends before it starts; write it lowest first (${name}:${last}-${first}).`);
    if (!Number.isSafeInteger(last) || last >= pv.peCount) {
      throw new LvmscopeError('INVALID', `PE range ${r} is outside ${name}, which has PEs 0-${pv.peCount - 1}.`);
    }
    return { pe: first, count: last - first + 1 };
  });
  return { pvId, ranges };
}

function inRanges(spec: PvSpec, pe: number): boolean {
  return spec.ranges.length === 0 || spec.ranges.some((r) => pe >= r.pe && pe < r.pe + r.count);
}

/** The runs of LEs that leave the source PVs, in LV order then LE order (as LVM2 orders pvmove0). */
function collectSourceRuns(vg: VolumeGroup, sources: PvSpec[], lvFilter: string | undefined, names: PvNames): Array<Omit<ExtentMove, 'toPvId' | 'toPe'>> {
  const runs: Array<Omit<ExtentMove, 'toPvId' | 'toPe'>> = [];
  // One LV asked for (a drop's verdict): looked up, not searched for among 10,000.
  const found = lvFilter ? findLv(vg, lvFilter) : undefined;
  for (const lv of lvFilter ? (found ? [found] : []) : vg.lvs) {
    for (const seg of lv.segments) {
      // Which PVs an unsupported segment uses is unknown here: asked to move that LV, say why not.
      if (isOther(seg) && lvFilter === lv.name) refuseUnmovable(vg, lv, seg, names, sources);
      const touched = sourceAreasOf(lv, seg, sources);
      if (touched.length === 0) continue;
      refuseUnmovable(vg, lv, seg, names, sources);
      const area = (seg as { stripes: Array<{ kind: string; pvId?: string; pe?: number }> }).stripes[0];
      const spec = sources.find((s) => s.pvId === area.pvId)!;
      for (let i = 0; i < seg.extentCount; i += 1) {
        const pe = area.pe! + i;
        if (!inRanges(spec, pe)) continue;
        const last = runs[runs.length - 1];
        if (last && last.lv === lv.name && last.fromPvId === area.pvId && last.fromPe + last.count === pe && last.startLe + last.count === seg.startExtent + i) last.count += 1;
        else runs.push({ lv: lv.name, startLe: seg.startExtent + i, count: 1, fromPvId: area.pvId!, fromPe: pe });
      }
    }
  }
  return runs;
}

function sourceAreasOf(lv: LogicalVolume, seg: LogicalVolume['segments'][number], sources: PvSpec[]): unknown[] {
  const areas = 'stripes' in seg ? seg.stripes : 'mirrors' in seg ? seg.mirrors : isOther(seg) ? (seg.pvAreas ?? []) : [];
  return areas.filter((a) => a.kind === 'pv' && sources.some((s) => s.pvId === a.pvId && (s.ranges.length === 0 || s.ranges.some((r) => a.pe < r.pe + r.count && r.pe < a.pe + (isStriped(seg) ? seg.extentCount / seg.stripes.length : seg.extentCount)))));
}

/** What an LV stacked on another is, as a user knows it: `raid1`, `the snapshot snap`. */
function describeUser(vg: VolumeGroup, name: string): string {
  const seg = vg.lvs.find((l) => l.name === name)?.segments.find(isOther);
  if (!seg) return 'an LV';
  if (seg.type !== 'snapshot') return seg.type;
  const cow = seg.body.find((n) => n.key === 'cow_store')?.value;
  return cow && cow.kind === 'string' ? `the snapshot ${cow.value}` : 'a snapshot';
}

/** The LVs with extents on the sources that lvmscope can move (linear, nothing stacked on them). */
function movableOnSources(vg: VolumeGroup, sources: PvSpec[]): string[] {
  const movable = (lv: LogicalVolume) => !lv.status.includes('LOCKED') && !lv.status.includes('PVMOVE') && lvUsers(vg, lv.name).length === 0 && lv.segments.every((s) => isStriped(s) && s.stripes.length === 1);
  return vg.lvs.filter((lv) => movable(lv) && lv.segments.some((s) => sourceAreasOf(lv, s, sources).length > 0)).map((lv) => lv.name);
}

function refuseUnmovable(vg: VolumeGroup, lv: LogicalVolume, seg: LogicalVolume['segments'][number], names: PvNames, sources: PvSpec[]): void {
  const where = `${lv.name} (LEs ${seg.startExtent}-${seg.startExtent + seg.extentCount - 1})`;
  if (lv.status.includes('LOCKED')) throw new LvmscopeError('STATE', `${lv.name} is LOCKED by a move in progress; resume or abort that move first.`);
  // A raid image or a snapshot's origin/cow is only moved with the LV stacked on it, which
  // lvmscope keeps verbatim: refuse before anything is written rather than fail mid-move.
  const users = lvUsers(vg, lv.name);
  if (users.length) {
    const others = movableOnSources(vg, sources);
    const what = `${users.join(', ')} ${users.length > 1 ? 'are' : 'is'} stacked on it (${users.map((u) => describeUser(vg, u)).join(', ')})`;
    const todo = others.length ? `move the other LVs with -n LV (${others.join(', ')}), or move these with LVM2's pvmove` : `move them with LVM2's pvmove (no other LV on the source is one lvmscope can move)`;
    throw new LvmscopeError('UNSUPPORTED', `${lv.name} has extents on the source but ${what}; lvmscope keeps raid and snapshot LVs as they are and does not move them: ${todo}.`);
  }
  if (isOther(seg)) throw new LvmscopeError('UNSUPPORTED', `${where} is a ${seg.type} segment: ${seg.reason}`);
  if (!isStriped(seg)) throw new LvmscopeError('UNSUPPORTED', `${where} is a ${seg.type} segment; lvmscope moves linear segments only.`);
  if (seg.stripes.length > 1) {
    const pvs = seg.stripes.map((a) => (a.kind === 'pv' ? names.nameOf(a.pvId) : a.lvName)).join(', ');
    throw new LvmscopeError('UNSUPPORTED', `${where} is striped across ${pvs}; lvmscope moves linear segments only.`);
  }
}

interface FreeSpace {
  pvId: string;
  runs: PeRun[];
}

/** Free runs of the destination PVs (restricted to their PE ranges), in the order given. */
function destinationSpace(vg: VolumeGroup, dests: PvSpec[]): FreeSpace[] {
  // Only the destinations' maps: a drop's verdict plans against one PV of maybe 64.
  const maps = pvExtentMaps(vg, new Set(dests.map((d) => d.pvId)));
  return dests.map((d) => {
    const free = maps.find((m) => m.pvId === d.pvId)?.free ?? [];
    const runs = d.ranges.length === 0 ? free.map((r) => ({ ...r })) : intersectRuns(free, d.ranges);
    return { pvId: d.pvId, runs };
  });
}

function intersectRuns(a: PeRun[], b: PeRun[]): PeRun[] {
  const out: PeRun[] = [];
  for (const x of a) {
    for (const y of b) {
      const from = Math.max(x.pe, y.pe);
      const to = Math.min(x.pe + x.count, y.pe + y.count);
      if (to > from) out.push({ pe: from, count: to - from });
    }
  }
  return out.sort((p, q) => p.pe - q.pe);
}

function takeExtents(space: FreeSpace[], count: number, contiguous: boolean): Array<{ pvId: string; pe: number; count: number }> | undefined {
  if (contiguous) {
    for (const s of space) {
      const run = s.runs.find((r) => r.count >= count);
      if (run) {
        const piece = { pvId: s.pvId, pe: run.pe, count };
        run.pe += count;
        run.count -= count;
        return [piece];
      }
    }
    return undefined;
  }
  const total = space.reduce((n, s) => n + s.runs.reduce((m, r) => m + r.count, 0), 0);
  if (total < count) return undefined;
  const pieces: Array<{ pvId: string; pe: number; count: number }> = [];
  let left = count;
  for (const s of space) {
    for (const run of s.runs) {
      if (left === 0) break;
      const n = Math.min(run.count, left);
      if (n === 0) continue;
      pieces.push({ pvId: s.pvId, pe: run.pe, count: n });
      run.pe += n;
      run.count -= n;
      left -= n;
    }
  }
  return pieces;
}

function describeShortage(vg: VolumeGroup, dests: PvSpec[], names: PvNames, needed: number, contiguous: boolean): string {
  const space = destinationSpace(vg, dests);
  const free = space.reduce((n, s) => n + s.runs.reduce((m, r) => m + r.count, 0), 0);
  const who = space.map((s) => names.nameOf(s.pvId)).join(' + ');
  const verb = space.length === 1 ? 'has' : 'have';
  if (contiguous) {
    const largest = Math.max(0, ...space.flatMap((s) => s.runs.map((r) => r.count)));
    return `${who} ${verb} no run of ${needed} contiguous free extents (the largest is ${largest}); use --alloc normal or free some space.`;
  }
  return `${who} ${verb} ${free} free extent${free === 1 ? '' : 's'}; ${needed} needed. Add a PV (vgextend) or choose another destination.`;
}

export function planMove(vg: VolumeGroup, request: MoveRequestSpec, names: PvNames): MovePlan {
  if (readMove(vg)?.finishing) {
    throw new LvmscopeError('STATE', `An interrupted move left its empty layer ${readMove(vg)!.layer} in ${vg.name}; resume it (pvmove) to remove the layer, then start the new move.`);
  }
  if (vg.lvs.some((lv) => lv.status.includes('PVMOVE'))) {
    throw new LvmscopeError('STATE', `A move is already in progress in ${vg.name}; resume it (pvmove) or abort it (pvmove --abort) first.`);
  }
  if (request.atomic && request.maxSegmentSizeMiB) {
    throw new LvmscopeError('INVALID', `--atomic moves everything as one mirror segment, so --max-segment-size does not apply; use one or the other.`);
  }
  if (request.lv && !vg.lvs.some((lv) => lv.name === request.lv)) {
    throw new LvmscopeError('NOT_FOUND', `No LV named '${request.lv}' in ${vg.name}; its LVs are ${vg.lvs.map((l) => l.name).join(', ') || 'none'}.`);
  }
  const sources = request.sources.map((s) => parsePvSpec(s, names, vg));
  const sourceIds = new Set(sources.map((s) => s.pvId));
  let dests = request.destinations.map((d) => parsePvSpec(d, names, vg));
  if (dests.length === 0) {
    dests = vg.pvs.filter((pv) => pv.status.includes('ALLOCATABLE')).map((pv) => ({ pvId: pv.id, ranges: [] }));
  }
  if (request.alloc !== 'anywhere') {
    const same = dests.filter((d) => sourceIds.has(d.pvId) && request.destinations.length > 0);
    if (same.length) throw new LvmscopeError('INVALID', `${names.nameOf(same[0].pvId)} is both source and destination; that needs --alloc anywhere.`);
    dests = dests.filter((d) => !sourceIds.has(d.pvId));
  }
  for (const d of dests) {
    const pv = vg.pvs.find((p) => p.id === d.pvId)!;
    if (!pv.status.includes('ALLOCATABLE')) throw new LvmscopeError('INVALID', `${names.nameOf(d.pvId)} is not allocatable (pvchange -x y).`);
  }
  const runs = collectSourceRuns(vg, sources, request.lv, names);
  if (runs.length === 0) {
    const what = request.lv ? `${request.lv} has no extents` : 'No extents are allocated';
    throw new LvmscopeError('INVALID', `${what} on ${request.sources.join(', ')}: nothing to move.`);
  }
  const needed = runs.reduce((n, r) => n + r.count, 0);
  if (dests.length === 0) throw new LvmscopeError('NO_SPACE', `No destination PV is left besides the source; ${needed} extents need a place. Add a PV (vgextend).`);
  const space = destinationSpace(vg, dests);
  const moves: ExtentMove[] = [];
  for (const run of runs) {
    const pieces = takeExtents(space, run.count, request.alloc === 'contiguous');
    if (!pieces) throw new LvmscopeError('NO_SPACE', describeShortage(vg, dests, names, request.alloc === 'contiguous' ? run.count : needed, request.alloc === 'contiguous'));
    let offset = 0;
    for (const p of pieces) {
      moves.push({ ...run, startLe: run.startLe + offset, fromPe: run.fromPe + offset, count: p.count, toPvId: p.pvId, toPe: p.pe });
      offset += p.count;
    }
  }
  const split = request.maxSegmentSizeMiB ? splitMoves(moves, maxSegmentExtents(vg, request.maxSegmentSizeMiB)) : moves;
  const lvs = [...new Set(split.map((m) => m.lv))];
  return { vg: vg.name, request, moves: split, lvs, extentCount: needed, command: pvmoveCommand(vg.name, request) };
}

/** The largest pvmove0 segment allowed, in extents (at least one extent, as LVM2 rounds). */
export function maxSegmentExtents(vg: VolumeGroup, maxSegmentSizeMiB: number): number {
  return Math.max(1, Math.floor((maxSegmentSizeMiB * 2048) / vg.extentSizeSectors));
}

/** Cuts every run into pieces of at most `max` extents, in order. */
function splitMoves(moves: ExtentMove[], max: number): ExtentMove[] {
  const out: ExtentMove[] = [];
  for (const m of moves) {
    for (let offset = 0; offset < m.count; offset += max) {
      out.push({ ...m, startLe: m.startLe + offset, fromPe: m.fromPe + offset, toPe: m.toPe + offset, count: Math.min(max, m.count - offset) });
    }
  }
  return out;
}

/**
 * The mirror region limits, checked before a move writes anything (a region dm-mirror refuses
 * at step 3 would leave an interrupted move on disk). LVM2 (tools/lvmcmdline.c
 * regionsize_arg) wants a power of two that is a whole number of memory pages and fits in 32
 * bits of sectors; the kernel's dm-log also wants at least 2 sectors. lvmscope takes 4 KiB pages.
 */
export const MIN_REGION_SECTORS = 8;
export const MAX_REGION_SECTORS = 2 ** 31;

export function checkMoveOptions(options: { regionSizeSectors?: number; rateBytesPerSec?: number }): void {
  // The default (4096 sectors, 2 MiB) is LVM2's activation/raid_region_size.
  const region = options.regionSizeSectors;
  if (region !== undefined && !(Number.isSafeInteger(region) && Number.isInteger(Math.log2(region)) && region >= MIN_REGION_SECTORS && region <= MAX_REGION_SECTORS)) {
    throw new LvmscopeError('INVALID', `The region size must be a power of two from ${MIN_REGION_SECTORS} sectors (4 KiB, a memory page) to ${MAX_REGION_SECTORS} sectors (1 TiB), not ${region}; 4096 (2 MiB, as LVM2) is the default.`);
  }
  const rate = options.rateBytesPerSec;
  if (rate !== undefined && !(Number.isSafeInteger(rate) && rate >= 0)) {
    throw new LvmscopeError('INVALID', `The copy rate must be a whole number of bytes per second (0 for no limit), not ${rate}.`);
  }
}

/** The equivalent LVM2 command line. */
export function pvmoveCommand(vgName: string, request: MoveRequestSpec): string {
  const parts = ['pvmove'];
  if (request.alloc !== 'normal') parts.push('--alloc', request.alloc);
  if (request.atomic) parts.push('--atomic');
  if (request.maxSegmentSizeMiB) parts.push('--config', `allocation/pvmove_max_segment_size_mb=${request.maxSegmentSizeMiB}`);
  if (request.lv) parts.push('-n', `${vgName}/${request.lv}`);
  parts.push(...request.sources.map((s) => `/dev/${s}`));
  parts.push(...request.destinations.map((d) => `/dev/${d}`));
  return parts.join(' ');
}
