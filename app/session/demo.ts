// Demo workspaces. `seed` is the picture of pvmove_outline.txt (DESIGN §1), byte for byte the
// layout of the real-LVM2 `seed` fixture: four 16 MiB PVs pv1..pv4, vg0 with 1 MiB extents,
// lv0 = pv1:0-5 | pv2:0-3 | pv3:0-4, pv4 free, and every LV sector filled with the demo
// pattern so that verify can check every byte after a move. Other scenarios describe their
// own PVs and LVs the same way.

import { LvmscopeError } from '../base/result';
import { MiB } from '../base/units';
import type { BlockStore, WorkspaceStorage } from '../block/blockStore';
import { signatureWindowRanges } from '../lvm/format/signatures';
import { signaturesOf } from '../lvm/commands/newPv';
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

/**
 * Builds a demo layout in an empty folder and opens it. With `force`, the demo replaces only
 * its own images (the layout's file names), and only when they hold LVM images or nothing:
 * every other file in the folder is left alone, and a demo-named file holding anything else
 * (a filesystem, unknown data) is refused with a sentence before anything is removed.
 */
export async function createDemo(path: string, storage: WorkspaceStorage, options: SessionOptions, layout: DemoLayout, force: boolean): Promise<WorkspaceSession> {
  const existing = await storage.listImages();
  const own = layout.pvs.map((p) => p.image);
  if (existing.length && !force) {
    throw new LvmscopeError('EXISTS', `${path} already holds ${existing.length} file(s) (${existing.slice(0, 4).join(', ')}); use an empty folder, or force (demo --force) to replace the demo's own images (${own.join(', ')}), which never touches other files.`);
  }
  if (existing.length) await replaceOwnImages(storage, options, layout, existing.filter((name) => own.includes(name)));
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

/**
 * Checks every file the demo would replace, and the VGs around them, then removes those files.
 * Opening the workspace takes its lock, so no other lvmscope is using the files we replace.
 */
async function replaceOwnImages(storage: WorkspaceStorage, options: SessionOptions, layout: DemoLayout, replaced: string[]): Promise<void> {
  const ws = await LvmWorkspace.open(storage, { holder: options.holder, clock: options.clock, random: options.random, hostname: options.hostname, unixTime: options.unixTime });
  try {
    for (const name of replaced) await checkReplaceable(ws, name);
    checkVgsAround(ws, layout, replaced);
    for (const name of replaced) await storage.remove(name);
  } finally {
    await ws.close();
  }
}

/** A demo-named file may be replaced when it is an LVM image (lvmscope's or LVM2's) or holds only zeros where signatures live. */
async function checkReplaceable(ws: LvmWorkspace, name: string): Promise<void> {
  const store = ws.storeOf(name);
  const found = await signaturesOf(store);
  const foreign = found.filter((s) => s.kind !== 'lvm2');
  const where = `${ws.location}/${name}`;
  if (foreign.length) {
    throw new LvmscopeError('EXISTS', `${where} holds ${foreign.map((s) => s.description).join(' and ')}, not a demo image; the demo will not overwrite it: move it elsewhere (or delete it if it is not needed), or create the demo in another folder.`);
  }
  if (found.length === 0 && !(await looksEmpty(store))) {
    throw new LvmscopeError('EXISTS', `${where} holds data that is not an LVM image; the demo will not overwrite it: move it elsewhere (or delete it if it is not needed), or create the demo in another folder.`);
  }
}

async function looksEmpty(store: BlockStore): Promise<boolean> {
  for (const range of signatureWindowRanges(store.sizeBytes)) {
    const bytes = await store.read(range.offsetBytes, range.lengthBytes);
    if (bytes.some((b) => b !== 0)) return false;
  }
  return true;
}

/**
 * Replacing part of a VG would break the rest of it, and a VG already named like the demo's
 * would make its vgcreate fail after the files were removed: both are refused first.
 */
function checkVgsAround(ws: LvmWorkspace, layout: DemoLayout, replaced: string[]): void {
  for (const open of ws.listVgs()) {
    const images = [...open.images.values()];
    const kept = images.filter((image) => !replaced.includes(image));
    if (kept.length && kept.length < images.length) {
      throw new LvmscopeError('STATE', `VG ${open.vg.name} lives on ${images.join(', ')}: replacing ${images.filter((i) => replaced.includes(i)).join(', ')} with the demo would break it; create the demo in another folder.`);
    }
    if (open.vg.name === layout.vg && kept.length) {
      throw new LvmscopeError('EXISTS', `${ws.location} already holds a VG named ${layout.vg} (on ${kept.join(', ')}), which the demo creates; create the demo in another folder.`);
    }
  }
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
