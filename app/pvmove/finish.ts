// How every move ends, whichever the stack: LVM2's two finishing commits and its non-atomic
// abort, from what the metadata says (layout.ts), with the devices following.

import { sameTable } from '../dm/table';
import { lvTable } from '../lvm/activate/tables';
import type { VolumeGroup } from '../lvm/model/types';
import { finishLayer, imageNames, LAYER_NAME, readMove, removeLayer } from './layout';
import type { CommitChain, MoveHost, MoveStep } from './stack';
import { lvm2Words } from './words';

/** The last step of every lvm2 finish and abort: pvmove0's device goes, then its metadata. */
export function removeLayerStep(host: MoveHost, commits: CommitChain, command: () => string): MoveStep {
  let seqnos: [number, number] | undefined;
  const device = host.layerDmName(LAYER_NAME);
  return {
    id: 'remove-layer',
    name: 'Remove pvmove0',
    lv: null,
    runsOnAbort: true,
    rewordWhenDone: true,
    words: () => lvm2Words.removeLayer(device, seqnos),
    run: async () => {
      if (host.dm.has(device)) host.dm.remove(device);
      // An atomic move's sub-LV devices go with it.
      for (const image of imageNames(LAYER_NAME).map((name) => host.layerDmName(name))) if (host.dm.has(image)) host.dm.remove(image);
      const before = host.vg().seqno;
      await commits.commit(() => (readMove(host.vg()) ? removeLayer(host.vg()) : null), command());
      seqnos = [before, host.vg().seqno];
    },
  };
}

/** "pv1 | pv2+pv3": an LV's segments by the PVs (or LVs) they sit on. */
export function layoutText(host: MoveHost, model: VolumeGroup, lv: string): string {
  const target = model.lvs.find((l) => l.name === lv);
  if (!target) return lv;
  return target.segments.map((s) => ('stripes' in s ? s.stripes.map((a) => (a.kind === 'pv' ? host.names.nameOf(a.pvId) : a.lvName)).join('+') : s.type)).join(' | ');
}

/**
 * LVM2's non-atomic abort in its two commits (checkpointed runs stay on the destination, the
 * rest go back to the source; then pvmove0 goes), with every user's device put on the table
 * the metadata then gives. The layer's device, if any, is the caller's to remove.
 */
export async function abortByMetadata(host: MoveHost, commits: CommitChain, command: string, beforeRemove?: () => Promise<void>): Promise<void> {
  const move = readMove(host.vg());
  if (!move) return;
  const users = move.lvs;
  if (!move.finishing) await commits.commit(() => finishLayer(host.vg(), 'abort'), command);
  for (const lv of users) {
    const L = host.lvDmName(lv);
    const expected = lvTable(host.vg(), lv, (id) => host.pvDevno(id));
    if (!sameTable(host.dm.targets(L), expected)) {
      await host.dm.suspend(L);
      host.dm.load(L, expected);
      await host.dm.resume(L);
    }
  }
  await beforeRemove?.();
  await commits.commit(() => removeLayer(host.vg()), command);
}
