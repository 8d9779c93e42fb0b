// vgcreate, vgextend, vgreduce, vgrename: each plans a new VG model (pure) and commits it.

import { LvmscopeError } from '../../base/result';
import { MiB, isPowerOfTwo } from '../../base/units';
import { SECTOR_BYTES, formatUuid } from '../format/layout';
import { pvExtentMaps } from '../model/extentMap';
import { cloneVg, type PhysicalVolume, type VolumeGroup } from '../model/types';
import { clearMda } from '../workspace/commit';
import { commitVg, setLabelUsed, type VgCommitOptions } from '../workspace/vgCommit';
import type { LvmWorkspace, OrphanPv } from '../workspace/workspace';
import { checkFullNameLength, newUuid, validateVgName } from './names';
import { planNewPv, writeNewPv, type NewPvPlan } from './newPv';
import { planPvLayout } from './pvCommands';

export const DEFAULT_EXTENT_SIZE_BYTES = 4 * MiB;

/**
 * The PV an image will be in the VG: an orphan PV as it is, or (LVM2's implicit pvcreate) an
 * image without a label, planned here and labelled only once every argument has been checked.
 */
async function joiningPv(ws: LvmWorkspace, image: string, verb: string, force: boolean): Promise<{ orphan: OrphanPv; plan?: NewPvPlan }> {
  const orphan = ws.orphans().find((o) => o.image === image);
  if (orphan?.damaged) throw new LvmscopeError('STATE', damagedPvSentence(orphan));
  if (orphan) return { orphan };
  const label = ws.labelOf(image);
  if (label) {
    const owner = ws.listVgs().find((v) => [...v.images.values()].includes(image));
    throw new LvmscopeError('STATE', `${image} already belongs to VG ${owner?.vg.name ?? '(unknown)'}.`);
  }
  const store = ws.storeOf(image);
  const planned = planPvLayout(newUuid(ws.options.random), Math.floor(store.sizeBytes / SECTOR_BYTES) * SECTOR_BYTES, {});
  const plan = await planNewPv(ws, image, planned, verb, force);
  return { orphan: { image, pvId: planned.pvUuid, sizeBytes: store.sizeBytes, label: planned }, plan };
}

/** Writes the labels planned for images without one, then rescans so the VG commit finds them. */
async function labelPlanned(ws: LvmWorkspace, joining: Array<{ plan?: NewPvPlan }>): Promise<void> {
  const plans = joining.flatMap((j) => (j.plan ? [j.plan] : []));
  for (const plan of plans) await writeNewPv(ws.storeOf(plan.image), plan);
  if (plans.length) await ws.rescan();
}

function checkImageList(images: string[], verb: string): void {
  if (images.length === 0) throw new LvmscopeError('INVALID', `${verb} needs at least one PV.`);
  const twice = images.find((image, i) => images.indexOf(image) !== i);
  if (twice) throw new LvmscopeError('INVALID', `${verb} was given ${twice} twice.`);
}

/** Reusing a PV that may hold a VG would destroy it: say so, and what would repair it. */
export function damagedPvSentence(orphan: OrphanPv): string {
  return `${orphan.image} may still belong to a VG (${orphan.damaged}), so lvmscope will not reuse it; repair its metadata with LVM2 (vgcfgrestore, or vgck --updatemetadata), or if its data is not needed, delete the image and create a new one with pvcreate --size.`;
}

function checkNameFree(ws: LvmWorkspace, name: string): void {
  if (ws.listVgs().some((v) => v.vg.name === name)) throw new LvmscopeError('EXISTS', `A volume group named ${name} already exists in ${ws.location}; choose another name.`);
}

/** The PV entry for an orphan joining a VG: pe_count is what fits between pe_start and the end (or mda1). */
export function pvEntry(orphan: OrphanPv, key: string, extentSizeSectors: number): PhysicalVolume {
  const devSizeSectors = Math.floor(orphan.label.deviceSizeBytes / SECTOR_BYTES);
  const peStartSectors = (orphan.label.dataAreas[0]?.offsetBytes ?? 0) / SECTOR_BYTES;
  const endMda = orphan.label.metadataAreas.filter((m) => m.offsetBytes / SECTOR_BYTES > peStartSectors).map((m) => m.offsetBytes / SECTOR_BYTES);
  const dataEnd = Math.min(devSizeSectors, ...endMda);
  const peCount = Math.max(0, Math.floor((dataEnd - peStartSectors) / extentSizeSectors));
  if (peCount < 1) throw new LvmscopeError('NO_SPACE', `${orphan.image} is too small to hold even one ${(extentSizeSectors * SECTOR_BYTES) / 1024} KiB extent.`);
  return { key, id: orphan.pvId, deviceHint: orphan.image, status: ['ALLOCATABLE'], flags: [], devSizeSectors, peStartSectors, peCount, extra: [] };
}

function nextPvKey(vg: VolumeGroup): string {
  for (let i = 0; ; i++) if (!vg.pvs.some((p) => p.key === `pv${i}`)) return `pv${i}`;
}

export interface VgCreateArgs {
  name: string;
  images: string[];
  extentSizeBytes?: number;
  /** Images without a label are labelled first (LVM2's implicit pvcreate); force wipes what they hold, as pvcreate -f does. */
  force?: boolean;
}

/** LVM2's extent size limits: a power of two from 1 KiB (lvmscope: 4 KiB, a page) to 16 GiB. */
const MAX_EXTENT_BYTES = 16 * 1024 * MiB;

function checkExtentSize(extentBytes: number): void {
  if (!Number.isSafeInteger(extentBytes) || !isPowerOfTwo(extentBytes) || extentBytes < 4096 || extentBytes > MAX_EXTENT_BYTES) {
    throw new LvmscopeError('INVALID', `The extent size must be a power of two from 4 KiB to 16 GiB (got ${extentBytes} bytes).`);
  }
}

export async function vgcreate(ws: LvmWorkspace, args: VgCreateArgs, options?: Partial<VgCommitOptions>): Promise<VolumeGroup> {
  validateVgName(args.name);
  checkNameFree(ws, args.name);
  const extentBytes = args.extentSizeBytes ?? DEFAULT_EXTENT_SIZE_BYTES;
  checkExtentSize(extentBytes);
  checkImageList(args.images, 'vgcreate');
  const extentSizeSectors = extentBytes / SECTOR_BYTES;
  const joining = [];
  for (const image of args.images) joining.push(await joiningPv(ws, image, 'vgcreate', !!args.force));
  const vg: VolumeGroup = { name: args.name, id: newUuid(ws.options.random), seqno: 0, status: ['RESIZEABLE', 'READ', 'WRITE'], flags: [], extentSizeSectors, maxLv: 0, maxPv: 0, metadataCopies: 0, pvs: [], lvs: [], extra: [] };
  for (const { orphan } of joining) vg.pvs.push(pvEntry(orphan, nextPvKey(vg), extentSizeSectors));
  await labelPlanned(ws, joining);
  return commitVg(ws, vg, { command: options?.command ?? `vgcreate ${args.name} ${args.images.join(' ')}`, hooks: options?.hooks });
}

/** Adds PVs to a VG; images without a label are labelled first (`force` as in vgcreate). */
export async function vgextend(ws: LvmWorkspace, vgName: string, images: string[], options?: Partial<VgCommitOptions>, force = false): Promise<VolumeGroup> {
  const open = ws.getVg(vgName);
  if (open.readOnly) throw new LvmscopeError('STATE', open.readOnlyReason ?? `VG ${vgName} is read-only.`);
  checkImageList(images, 'vgextend');
  const vg = cloneVg(open.vg);
  const joining = [];
  for (const image of images) joining.push(await joiningPv(ws, image, 'vgextend', force));
  for (const { orphan } of joining) vg.pvs.push(pvEntry(orphan, nextPvKey(vg), vg.extentSizeSectors));
  await labelPlanned(ws, joining);
  return commitVg(ws, vg, { command: options?.command ?? `vgextend ${vgName} ${images.join(' ')}`, hooks: options?.hooks });
}

/** Removes empty PVs from a VG (by image name, PV key or PV uuid). */
export async function vgreduce(ws: LvmWorkspace, vgName: string, pvs: string[], options?: Partial<VgCommitOptions>): Promise<VolumeGroup> {
  const open = ws.getVg(vgName);
  const vg = cloneVg(open.vg);
  const maps = pvExtentMaps(vg);
  for (const ref of pvs) {
    const pv = vg.pvs.find((p) => p.key === ref || p.id === ref.replace(/-/g, '') || open.images.get(p.id) === ref);
    if (!pv) throw new LvmscopeError('NOT_FOUND', `VG ${vgName} has no PV ${ref}.`);
    const used = maps.find((m) => m.pvId === pv.id)!.used;
    if (used.length > 0) throw new LvmscopeError('STATE', `PV ${open.images.get(pv.id) ?? formatUuid(pv.id)} still holds extents of ${[...new Set(used.map((u) => u.lvName))].join(', ')}; move or remove them first.`);
    vg.pvs = vg.pvs.filter((p) => p !== pv);
  }
  if (vg.pvs.length === 0) throw new LvmscopeError('STATE', `Cannot remove the last PV of VG ${vgName}; remove the VG instead.`);
  return commitVg(ws, vg, { command: options?.command ?? `vgreduce ${vgName} ${pvs.join(' ')}`, hooks: options?.hooks });
}

export async function vgrename(ws: LvmWorkspace, oldName: string, newName: string, options?: Partial<VgCommitOptions>): Promise<VolumeGroup> {
  validateVgName(newName);
  const vg = cloneVg(ws.getVg(oldName).vg);
  checkNameFree(ws, newName);
  for (const lv of vg.lvs) checkFullNameLength(newName, lv.name);
  vg.name = newName;
  return commitVg(ws, vg, { command: options?.command ?? `vgrename ${oldName} ${newName}`, hooks: options?.hooks });
}

/** Removes a VG with no LVs: its PVs become orphans. */
export async function vgremove(ws: LvmWorkspace, vgName: string): Promise<void> {
  const open = ws.getVg(vgName);
  if (open.vg.lvs.length > 0) throw new LvmscopeError('STATE', `VG ${vgName} still has LVs (${open.vg.lvs.map((l) => l.name).join(', ')}); remove them first.`);
  if (open.readOnly) throw new LvmscopeError('STATE', open.readOnlyReason ?? `VG ${vgName} is read-only.`);
  for (const target of open.mdas) await clearMda(target);
  for (const pv of open.vg.pvs) await setLabelUsed(ws, pv.id, false);
  await ws.rescan();
}
