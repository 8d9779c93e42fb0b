// Demo workspaces. `seed` is the picture of pvmove_outline.txt (DESIGN §1), byte for byte the
// layout of the real-LVM2 `seed` fixture: four 16 MiB PVs pv1..pv4, vg0 with 1 MiB extents,
// lv0 = pv1:0-5 | pv2:0-3 | pv3:0-4, pv4 free, and every LV sector filled with the demo
// pattern so that verify can check every byte after a move. Other scenarios describe their
// own PVs and LVs the same way.

import { LvmscopeError } from '../base/result';
import { MiB } from '../base/units';
import type { WorkspaceStorage } from '../block/blockStore';
import { LvmWorkspace } from '../lvm/workspace/workspace';
import { pvcreate } from '../lvm/commands/pvCommands';
import { vgcreate } from '../lvm/commands/vgCommands';
import { lvcreate, lvextend } from '../lvm/commands/lvCommands';
import { demoSectors } from '../workload/pattern';
import type { SessionOptions } from './session';
import { WorkspaceSession } from './session';

export interface DemoLayout {
  /** Image files and their sizes. */
  pvs: Array<{ image: string; sizeBytes: number }>;
  vg: string;
  extentSizeBytes: number;
  /** Each LV as a list of (extents, on image) pieces, created then extended in order. */
  lvs: Array<{ name: string; pieces: Array<{ extents: number; image: string }> }>;
}

export const SEED_LAYOUT: DemoLayout = {
  pvs: ['pv1.img', 'pv2.img', 'pv3.img', 'pv4.img'].map((image) => ({ image, sizeBytes: 16 * MiB })),
  vg: 'vg0',
  extentSizeBytes: MiB,
  lvs: [{ name: 'lv0', pieces: [{ extents: 6, image: 'pv1.img' }, { extents: 4, image: 'pv2.img' }, { extents: 5, image: 'pv3.img' }] }],
};

/** Builds a demo layout in an empty (or, with force, emptied) workspace folder and opens it. */
export async function createDemo(path: string, storage: WorkspaceStorage, options: SessionOptions, layout: DemoLayout, force: boolean): Promise<WorkspaceSession> {
  const existing = await storage.listImages();
  if (existing.length && !force) {
    throw new LvmscopeError('EXISTS', `${path} already holds ${existing.length} file(s) (${existing.slice(0, 4).join(', ')}); use an empty folder, or force to replace them.`);
  }
  if (existing.length) {
    // Taking the lock first makes sure no other lvmscope is using the files we replace.
    await storage.lock(options.holder);
    try {
      for (const name of existing) await storage.remove(name);
    } finally {
      await storage.unlock();
    }
  }
  await buildLayout(storage, options, layout);
  const session = await WorkspaceSession.open(path, storage, options);
  try {
    await fillDemoPattern(session, layout);
  } catch (e) {
    await session.close();
    throw e;
  }
  options.log('info', 'demo', `Demo workspace ready in ${path}: ${layout.lvs.map((l) => `${layout.vg}/${l.name}`).join(', ')} filled with the demo pattern.`);
  return session;
}

async function buildLayout(storage: WorkspaceStorage, options: SessionOptions, layout: DemoLayout): Promise<void> {
  const ws = await LvmWorkspace.open(storage, { holder: options.holder, clock: options.clock, random: options.random, hostname: options.hostname, unixTime: options.unixTime });
  try {
    for (const pv of layout.pvs) await pvcreate(ws, { image: pv.image, sizeBytes: pv.sizeBytes });
    await vgcreate(ws, { name: layout.vg, images: layout.pvs.map((p) => p.image), extentSizeBytes: layout.extentSizeBytes }, { command: `vgcreate -s ${layout.extentSizeBytes / MiB}m ${layout.vg}` });
    for (const lv of layout.lvs) {
      const [first, ...rest] = lv.pieces;
      await lvcreate(ws, layout.vg, { name: lv.name, extents: first.extents, pvs: [first.image] }, { command: `lvcreate -n ${lv.name} -l ${first.extents} ${layout.vg}` });
      for (const piece of rest) {
        await lvextend(ws, layout.vg, lv.name, { byExtents: piece.extents, pvs: [piece.image] }, { command: `lvextend -l +${piece.extents} ${layout.vg}/${lv.name}` });
      }
    }
  } finally {
    await ws.close();
  }
}

/** Writes the demo pattern into every sector of every LV of the layout, through the LV device. */
async function fillDemoPattern(session: WorkspaceSession, layout: DemoLayout): Promise<void> {
  const extentSizeSectors = layout.extentSizeBytes / 512;
  for (const lv of layout.lvs) {
    const device = session.lvDevice(layout.vg, lv.name);
    const chunk = 2048;
    for (let sector = 0; sector < device.sizeSectors; sector += chunk) {
      const count = Math.min(chunk, device.sizeSectors - sector);
      await device.write(sector, demoSectors(layout.vg, lv.name, extentSizeSectors, sector, count));
    }
    await device.flush();
  }
  await session.resetJournal();
}
