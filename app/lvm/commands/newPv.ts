// Labelling an image as a new PV, in two halves so that a command checks every image before it
// writes the first byte: `planNewPv` reads what the image holds and refuses (nothing written)
// when the label would destroy something, `writeNewPv` writes the planned label. pvcreate uses
// both for one image; vgcreate and vgextend plan every image they label implicitly, and every
// other argument, before they write any of them.

import { LvmscopeError } from '../../base/result';
import type { BlockStore } from '../../block/blockStore';
import { LABEL_SCAN_BYTES, SECTOR_BYTES, encodeLabelSector, formatUuid, type PvLabel } from '../format/layout';
import { detectSignatures, signatureWindowRanges, type Signature } from '../format/signatures';
import { clearMda } from '../workspace/commit';
import type { LvmWorkspace } from '../workspace/workspace';

/** A label about to be written on an existing image, and the signatures to wipe first. */
export interface NewPvPlan {
  image: string;
  label: PvLabel;
  wipe: Signature[];
}

/** What the first and last bytes of an image hold (the windows libblkid's probes read). */
export async function signaturesOf(store: BlockStore): Promise<Signature[]> {
  const [head, tail] = signatureWindowRanges(store.sizeBytes);
  return detectSignatures({ sizeBytes: store.sizeBytes, head: await store.read(head.offsetBytes, head.lengthBytes), tail: await store.read(tail.offsetBytes, tail.lengthBytes) });
}

/**
 * Checks that `image` may be labelled by `verb` and returns what to wipe. Refuses, with the
 * sentence LVM2's prompt would lead to, when the image holds a filesystem or anything else
 * (`force` wipes those, as LVM2's pvcreate -f does), and always when it is a PV of a VG this
 * workspace holds (LVM2 needs -ff; lvmscope asks for vgreduce first instead).
 */
export async function planNewPv(ws: LvmWorkspace, image: string, label: PvLabel, verb: string, force: boolean): Promise<NewPvPlan> {
  const store = ws.storeOf(image);
  if (store.readOnlyReason) throw new LvmscopeError('IO', store.readOnlyReason);
  const found = await signaturesOf(store);
  const lvm = found.find((s) => s.kind === 'lvm2');
  if (lvm) checkPvIdentity(ws, image, verb, force);
  const others = found.filter((s) => s.kind !== 'lvm2');
  if (others.length && !force) {
    const what = others.map((s) => s.description).join(' and ');
    throw new LvmscopeError('EXISTS', `${image} holds ${what}: ${verb} would destroy it; check that you named the right file, or add --force to wipe it, as LVM2's pvcreate -f does.`);
  }
  return { image, label, wipe: found };
}

/** An image that already carries an LVM label: whose it is decides whether it may be relabelled. */
function checkPvIdentity(ws: LvmWorkspace, image: string, verb: string, force: boolean): void {
  const label = ws.labelOf(image);
  const owner = label && ws.listVgs().find((v) => v.vg.pvs.some((p) => p.id === label.pvUuid));
  if (owner) {
    throw new LvmscopeError('STATE', `${image} is PV ${formatUuid(label!.pvUuid)} of volume group ${owner.vg.name}: ${verb} would take it out of ${owner.vg.name} and lose the extents it holds; move them away (pvmove) and remove it with vgreduce first.`);
  }
  if (force) return;
  const orphan = ws.orphans().find((o) => o.image === image);
  if (orphan?.damaged) {
    throw new LvmscopeError('STATE', `${image} is PV ${formatUuid(orphan.pvId)}, which may still belong to a VG (${orphan.damaged}): ${verb} would give it a new identity and lose that VG; repair its metadata with LVM2 (vgcfgrestore, or vgck --updatemetadata), or add --force to wipe it, as LVM2's pvcreate -ff does.`);
  }
  if (orphan) throw new LvmscopeError('EXISTS', `${image} is already a PV (${formatUuid(orphan.pvId)}, in no VG); vgcreate and vgextend use it as it is, pvremove removes its label, and --force gives it a new identity.`);
  throw new LvmscopeError('CORRUPT', `${image} holds a damaged LVM label (${labelProblem(ws, image)}): ${verb} would replace the identity its VG knows it by; repair the label with LVM2's pvck --repair, or add --force to wipe it.`);
}

function labelProblem(ws: LvmWorkspace, image: string): string {
  const problem = ws.problems.find((p) => p.image === image);
  return problem ? problem.error.message.replace(`${image}: `, '').replace(/\.$/, '') : 'it does not decode';
}

/** Wipes what the plan found (zeroing each magic, as blkid_do_wipe does), then writes the label and empty metadata areas. */
export async function writeNewPv(store: BlockStore, plan: Pick<NewPvPlan, 'label' | 'wipe'>): Promise<void> {
  for (const sig of plan.wipe) for (const range of sig.wipe) await store.write(range.offsetBytes, new Uint8Array(range.lengthBytes));
  // Sectors 1–3 are cleared so no older label survives; sector 0 is left for a boot block
  // unless a label was found there (wiped above).
  await store.write(SECTOR_BYTES, new Uint8Array(LABEL_SCAN_BYTES - SECTOR_BYTES));
  await store.write(plan.label.labelSector * SECTOR_BYTES, encodeLabelSector(plan.label));
  for (const m of plan.label.metadataAreas) {
    await clearMda({ imageName: store.name, store, startBytes: m.offsetBytes, sizeBytes: m.sizeBytes, header: undefined });
  }
  await store.flush();
}
