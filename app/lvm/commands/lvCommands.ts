// lvcreate, lvextend, lvreduce, lvrename, lvremove. Each `plan*` function is a pure model change
// (VG in, new VG out, throwing a typed error when the change is not allowed); the async wrapper
// commits the result. Nothing is written when planning fails.

import { LvmscopeError } from '../../base/result';
import { SECTOR_BYTES } from '../format/layout';
import { findLv, findPv } from '../model/extentMap';
import { cloneVg, isOther, isStriped, lvExtentCount, lvUsers, type AllocationPolicy, type LogicalVolume, type Segment, type StripedSegment, type VolumeGroup } from '../model/types';
import { commitVg, type VgCommitOptions } from '../workspace/vgCommit';
import type { LvmWorkspace } from '../workspace/workspace';
import { allocate, type Allocation } from './allocate';
import { newUuid, validateLvName } from './names';
import type { Random } from '../../base/clock';

export interface LvCreateArgs {
  name: string;
  /** Size in extents, or in bytes (rounded up to whole extents). */
  extents?: number;
  sizeBytes?: number;
  /** PVs to allocate from (image name, PV key "pv0" or uuid), in order of preference. */
  pvs?: string[];
  policy?: 'normal' | 'contiguous' | 'anywhere';
}

export interface PlanContext {
  random: Random;
  unixTime: number;
  hostname: string;
  /** Resolves an image name to a PV id (the workspace mapping). */
  pvIdOfImage?: (image: string) => string | undefined;
}

function extentsWanted(vg: VolumeGroup, args: { extents?: number; sizeBytes?: number }): number {
  const n = args.extents ?? (args.sizeBytes !== undefined ? Math.ceil(args.sizeBytes / (vg.extentSizeSectors * SECTOR_BYTES)) : undefined);
  if (n === undefined || !Number.isSafeInteger(n) || n <= 0) throw new LvmscopeError('INVALID', 'Give the size as a positive number of extents or bytes.');
  return n;
}

function resolvePvs(vg: VolumeGroup, refs: string[] | undefined, ctx: PlanContext): string[] | undefined {
  if (!refs) return undefined;
  return refs.map((ref) => {
    const id = ctx.pvIdOfImage?.(ref) ?? findPv(vg, ref)?.id;
    if (!id || !vg.pvs.some((p) => p.id === id)) throw new LvmscopeError('NOT_FOUND', `VG ${vg.name} has no PV ${ref}.`);
    return id;
  });
}

function linear(startExtent: number, a: Allocation): StripedSegment {
  return { type: 'striped', startExtent, extentCount: a.count, stripes: [{ kind: 'pv', pvId: a.pvId, pe: a.pe }], extra: [] };
}

/** Appends allocations as linear segments, merging with the last one when physically adjacent. */
function appendRuns(lv: LogicalVolume, runs: Allocation[]): void {
  for (const a of runs) {
    const last = lv.segments[lv.segments.length - 1];
    const area = last && isStriped(last) && last.stripes.length === 1 ? last.stripes[0] : undefined;
    if (area && area.kind === 'pv' && area.pvId === a.pvId && area.pe + last.extentCount === a.pe && last.extra.length === 0) last.extentCount += a.count;
    else lv.segments.push(linear(lvExtentCount(lv), a));
  }
}

export function planLvCreate(vg0: VolumeGroup, args: LvCreateArgs, ctx: PlanContext): VolumeGroup {
  validateLvName(args.name, vg0.name);
  if (findLv(vg0, args.name)) throw new LvmscopeError('EXISTS', `VG ${vg0.name} already has an LV named ${args.name}.`);
  const vg = cloneVg(vg0);
  const extents = extentsWanted(vg, args);
  const policy = args.policy ?? 'normal';
  const runs = allocate(vg, { extents, policy, pvIds: resolvePvs(vg, args.pvs, ctx) });
  const lv: LogicalVolume = { name: args.name, id: newUuid(ctx.random), status: ['READ', 'WRITE', 'VISIBLE'], flags: [], creationTime: ctx.unixTime, creationHost: ctx.hostname, segments: [], extra: [] };
  if (policy !== 'normal') lv.allocationPolicy = policy;
  appendRuns(lv, runs);
  const firstHidden = vg.lvs.findIndex((l) => !l.status.includes('VISIBLE'));
  vg.lvs.splice(firstHidden < 0 ? vg.lvs.length : firstHidden, 0, lv); // visible LVs before hidden ones
  return vg;
}

function editableLv(vg: VolumeGroup, name: string, action: string): LogicalVolume {
  const lv = findLv(vg, name);
  if (!lv) throw new LvmscopeError('NOT_FOUND', `VG ${vg.name} has no LV named ${name}.`);
  if (lv.status.includes('LOCKED') || lv.status.includes('PVMOVE')) throw new LvmscopeError('LOCKED', `LV ${vg.name}/${name} is locked by a pvmove in progress; finish or abort the move before you ${action} it.`);
  const other = lv.segments.find(isOther);
  if (other) throw new LvmscopeError('UNSUPPORTED', `LV ${vg.name}/${name} cannot be ${action === 'resize' ? 'resized' : 'changed'}: ${other.reason}.`);
  // Resizing an LV another one is stacked on (a raid image, a snapshot origin) would break the
  // upper LV, whose segment lvmscope keeps verbatim and cannot adjust.
  const users = action === 'resize' ? lvUsers(vg, name) : [];
  if (users.length) throw new LvmscopeError('UNSUPPORTED', `LV ${vg.name}/${name} cannot be resized: ${users.join(', ')} ${users.length > 1 ? 'are' : 'is'} stacked on it and lvmscope cannot adjust ${users.length > 1 ? 'them' : 'it'}; resize it with LVM2 instead.`);
  return lv;
}

export interface LvResizeArgs {
  /** New total size in extents or bytes, or a number of extents to add/remove. */
  extents?: number;
  sizeBytes?: number;
  byExtents?: number;
  pvs?: string[];
  policy?: 'normal' | 'contiguous' | 'anywhere';
}

function targetExtents(vg: VolumeGroup, lv: LogicalVolume, args: LvResizeArgs, sign: 1 | -1): number {
  if (args.byExtents !== undefined) return lvExtentCount(lv) + sign * args.byExtents;
  return extentsWanted(vg, args);
}

export function planLvExtend(vg0: VolumeGroup, name: string, args: LvResizeArgs, ctx: PlanContext): VolumeGroup {
  const vg = cloneVg(vg0);
  const lv = editableLv(vg, name, 'resize');
  const current = lvExtentCount(lv);
  const target = targetExtents(vg, lv, args, 1);
  if (!Number.isSafeInteger(target) || target <= current) throw new LvmscopeError('INVALID', `LV ${vg.name}/${name} already has ${current} extents; lvextend needs a larger size (asked for ${target}).`);
  const last = lv.segments[lv.segments.length - 1];
  if (last && !(isStriped(last) && last.stripes.length === 1)) throw new LvmscopeError('UNSUPPORTED', `LV ${vg.name}/${name} ends in a ${isStriped(last) ? `${last.stripes.length}-stripe` : last.type} segment; lvmscope extends linear LVs only.`);
  const area = last && isStriped(last) ? last.stripes[0] : undefined;
  const after = area && area.kind === 'pv' ? { pvId: area.pvId, pe: area.pe + last.extentCount - 1 } : undefined;
  const policy = args.policy ?? (lv.allocationPolicy === 'contiguous' ? 'contiguous' : 'normal');
  appendRuns(lv, allocate(vg, { extents: target - current, policy, pvIds: resolvePvs(vg, args.pvs, ctx), after }));
  return vg;
}

export function planLvReduce(vg0: VolumeGroup, name: string, args: LvResizeArgs): VolumeGroup {
  const vg = cloneVg(vg0);
  const lv = editableLv(vg, name, 'resize');
  const current = lvExtentCount(lv);
  const target = targetExtents(vg, lv, args, -1);
  if (!Number.isSafeInteger(target) || target >= current || target <= 0) throw new LvmscopeError('INVALID', `LV ${vg.name}/${name} has ${current} extents; lvreduce needs a size between 1 and ${current - 1} extents (asked for ${target}); use lvremove to delete it.`);
  lv.segments = lv.segments.filter((s) => s.startExtent < target);
  const last = lv.segments[lv.segments.length - 1];
  const cut = last.startExtent + last.extentCount - target;
  if (cut > 0) shrinkSegment(vg, lv, last, last.extentCount - cut);
  return vg;
}

function shrinkSegment(vg: VolumeGroup, lv: LogicalVolume, seg: Segment, newCount: number): void {
  if (!isStriped(seg)) throw new LvmscopeError('UNSUPPORTED', `LV ${vg.name}/${lv.name}: a ${seg.type} segment cannot be shortened.`);
  if (newCount % seg.stripes.length !== 0) throw new LvmscopeError('INVALID', `LV ${vg.name}/${lv.name}: its last segment has ${seg.stripes.length} stripes, so it can only shrink by multiples of ${seg.stripes.length} extents.`);
  seg.extentCount = newCount;
}

const referencedBy = lvUsers;

export function planLvRename(vg0: VolumeGroup, oldName: string, newName: string): VolumeGroup {
  validateLvName(newName, vg0.name);
  const vg = cloneVg(vg0);
  const lv = editableLv(vg, oldName, 'rename');
  if (findLv(vg, newName)) throw new LvmscopeError('EXISTS', `VG ${vg.name} already has an LV named ${newName}.`);
  const users = referencedBy(vg, oldName);
  if (users.length) throw new LvmscopeError('STATE', `LV ${vg.name}/${oldName} is used by ${users.join(', ')}; lvmscope does not rename stacked LVs.`);
  lv.name = newName;
  return vg;
}

export function planLvRemove(vg0: VolumeGroup, name: string): VolumeGroup {
  const vg = cloneVg(vg0);
  const lv = findLv(vg, name);
  if (!lv) throw new LvmscopeError('NOT_FOUND', `VG ${vg.name} has no LV named ${name}.`);
  if (lv.status.includes('LOCKED') || lv.status.includes('PVMOVE')) throw new LvmscopeError('LOCKED', `LV ${vg.name}/${name} is locked by a pvmove in progress; finish or abort the move first.`);
  const cowOf = snapshotCow(lv);
  if (cowOf) {
    // LVM2 does not let users name the hidden snapshotN record ("Failed to find logical volume");
    // removing it alone would leave its COW behind as a hidden LV nothing uses.
    throw new LvmscopeError('NOT_FOUND', `${vg.name}/${name} is LVM2's internal record of snapshot ${cowOf}; remove the snapshot with lvremove ${vg.name}/${cowOf}.`);
  }
  const snapshot = vg.lvs.find((l) => snapshotCow(l) === name);
  const users = referencedBy(vg, name).filter((u) => u !== snapshot?.name);
  if (users.length) throw new LvmscopeError('STATE', `LV ${vg.name}/${name} is used by ${users.join(', ')}; remove those first.`);
  // Removing a snapshot (its COW LV, the name users see) removes its hidden snapshotN record too, as LVM2 does.
  vg.lvs = vg.lvs.filter((l) => l !== lv && l !== snapshot);
  return vg;
}

/** The COW LV a hidden `snapshotN` LV records (its one segment: type snapshot, cow_store = "COW"), if it is one. */
function snapshotCow(lv: LogicalVolume): string | undefined {
  if (lv.segments.length !== 1) return undefined;
  const seg = lv.segments[0];
  if (!isOther(seg) || seg.type !== 'snapshot') return undefined;
  const cow = seg.body.find((n) => n.key === 'cow_store')?.value;
  return cow?.kind === 'string' ? cow.value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Workspace wrappers: plan, then commit.

function context(ws: LvmWorkspace): PlanContext {
  return { random: ws.options.random, unixTime: ws.unixTime(), hostname: ws.options.hostname, pvIdOfImage: (image) => ws.labelOf(image)?.pvUuid };
}

async function apply(ws: LvmWorkspace, vgName: string, plan: (vg: VolumeGroup) => VolumeGroup, command: string, options?: Partial<VgCommitOptions>): Promise<VolumeGroup> {
  const open = ws.getVg(vgName);
  if (open.readOnly) throw new LvmscopeError('STATE', open.readOnlyReason ?? `VG ${vgName} is read-only.`);
  return commitVg(ws, plan(open.vg), { command: options?.command ?? command, hooks: options?.hooks });
}

export const lvcreate = (ws: LvmWorkspace, vgName: string, args: LvCreateArgs, o?: Partial<VgCommitOptions>) =>
  apply(ws, vgName, (vg) => planLvCreate(vg, args, context(ws)), `lvcreate -n ${args.name} ${vgName}`, o);
export const lvextend = (ws: LvmWorkspace, vgName: string, lvName: string, args: LvResizeArgs, o?: Partial<VgCommitOptions>) =>
  apply(ws, vgName, (vg) => planLvExtend(vg, lvName, args, context(ws)), `lvextend ${vgName}/${lvName}`, o);
export const lvreduce = (ws: LvmWorkspace, vgName: string, lvName: string, args: LvResizeArgs, o?: Partial<VgCommitOptions>) =>
  apply(ws, vgName, (vg) => planLvReduce(vg, lvName, args), `lvreduce ${vgName}/${lvName}`, o);
export const lvrename = (ws: LvmWorkspace, vgName: string, oldName: string, newName: string, o?: Partial<VgCommitOptions>) =>
  apply(ws, vgName, (vg) => planLvRename(vg, oldName, newName), `lvrename ${vgName} ${oldName} ${newName}`, o);
export const lvremove = (ws: LvmWorkspace, vgName: string, lvName: string, o?: Partial<VgCommitOptions>) =>
  apply(ws, vgName, (vg) => planLvRemove(vg, lvName), `lvremove ${vgName}/${lvName}`, o);

export type { AllocationPolicy };
