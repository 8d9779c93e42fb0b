// Committing a changed VG model: bump seqno, validate, serialise, run the commit protocol on
// every metadata area of every PV in the VG, then keep labels in step (PV_EXT_USED) and empty
// the metadata of PVs that left. Commands call this with a modified copy; on any error before
// the write phase nothing has been written.

import { LvmscopeError } from '../../base/result';
import { PV_EXT_USED, encodeLabelSector, SECTOR_BYTES } from '../format/layout';
import { cloneVg, type VolumeGroup } from '../model/types';
import { assertValidVg } from '../model/validate';
import { vgToDiskText } from '../model/vgCodec';
import { clearMda, commitMetadata, type CommitHooks, type MdaTarget, type PendingCommit } from './commit';
import type { LvmWorkspace } from './workspace';

export interface VgCommitOptions {
  /** The command line, for `description = "Write from <it>."`. */
  command: string;
  hooks?: CommitHooks;
}

/** Writes `next` as the new metadata of its VG (matched by VG id); returns the committed model. */
export async function commitVg(ws: LvmWorkspace, next: VolumeGroup, options: VgCommitOptions): Promise<VolumeGroup> {
  const open = ws.getVgById(next.id);
  if (open?.readOnly) throw new LvmscopeError('STATE', open.readOnlyReason ?? `VG ${open.vg.name} is read-only.`);
  const vg = cloneVg(next);
  vg.seqno = (open?.vg.seqno ?? 0) + 1;
  assertValidVg(vg, 'INTERNAL');
  const targets: MdaTarget[] = [];
  for (const pv of vg.pvs) {
    const image = ws.imageOfPv(pv.id);
    if (!image) throw new LvmscopeError('STATE', `PV ${pv.key} of VG ${vg.name} has no image in the workspace.`);
    targets.push(...ws.mdaTargets(image));
  }
  const text = vgToDiskText(vg, { description: `Write from ${options.command}.`, creationHost: ws.options.hostname, creationTime: ws.unixTime(), systemComment: ws.options.systemComment });
  await commitMetadata(targets, text, vg.seqno, options.hooks);
  const before = new Set(open?.vg.pvs.map((p) => p.id) ?? []);
  const after = new Set(vg.pvs.map((p) => p.id));
  for (const id of before) if (!after.has(id)) await releasePv(ws, id);
  for (const id of after) await setLabelUsed(ws, id, true);
  const membershipChanged = !open || before.size !== after.size || [...before].some((id) => !after.has(id));
  if (membershipChanged) await ws.rescan();
  else ws.replaceVg(open!, vg);
  return vg;
}

/** A PV that left its VG: its mdas no longer hold the VG and its label says "orphan". */
async function releasePv(ws: LvmWorkspace, pvId: string): Promise<void> {
  const image = ws.imageOfPv(pvId);
  if (!image) return;
  for (const target of ws.mdaTargets(image)) await clearMda(target);
  await setLabelUsed(ws, pvId, false);
}

/** Rewrites the label's PV_EXT_USED flag when it differs (§2). */
export async function setLabelUsed(ws: LvmWorkspace, pvId: string, used: boolean): Promise<void> {
  const image = ws.imageOfPv(pvId);
  const label = image ? ws.labelOf(image) : undefined;
  if (!image || !label || label.extVersion < 2) return;
  const flags = used ? label.extFlags | PV_EXT_USED : label.extFlags & ~PV_EXT_USED;
  if (flags === label.extFlags) return;
  label.extFlags = flags;
  const store = ws.storeOf(image);
  await store.write(label.labelSector * SECTOR_BYTES, encodeLabelSector(label));
  await store.flush();
}

export type { PendingCommit };
