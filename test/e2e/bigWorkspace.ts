// Builds the frame-rate workspace quickly with the engine's LVM layer (metadata only, sparse
// images): 32 PVs × 4096 extents of 64 KiB (131 072 extents), `big` filling pv01 (the one
// that moves), pv02 free (the destination), and 16 LVs of 6 pieces spread over pv03..pv32 so
// the maps have many runs.
import os from 'node:os';
import { SeededRandom } from '../../app/base/clock';
import { KiB, MiB } from '../../app/base/units';
import { lvcreate, lvextend } from '../../app/lvm/commands/lvCommands';
import { pvcreate } from '../../app/lvm/commands/pvCommands';
import { vgcreate } from '../../app/lvm/commands/vgCommands';
import { LvmWorkspace } from '../../app/lvm/workspace/workspace';
import { nodeClock as clock } from '../../main/host';
import { FolderWorkspaceStorage } from '../../main/node/fileStorage';

export const BIG = { pvs: 32, extentsPerPv: 4096, extentSizeBytes: 64 * KiB, vg: 'vgbig', movingLv: 'big' };

export async function buildBigWorkspace(dir: string): Promise<void> {
  const name = (i: number) => `pv${String(i + 1).padStart(2, '0')}.img`;
  const ws = await LvmWorkspace.open(new FolderWorkspaceStorage(dir), { holder: 'frame-rate bench', clock, random: new SeededRandom(9), hostname: os.hostname(), unixTime: () => Math.floor(Date.now() / 1000) });
  try {
    // 1 MiB for the label and metadata area, then exactly 4096 extents.
    for (let i = 0; i < BIG.pvs; i += 1) await pvcreate(ws, { image: name(i), sizeBytes: MiB + BIG.extentsPerPv * BIG.extentSizeBytes });
    await vgcreate(ws, { name: BIG.vg, images: Array.from({ length: BIG.pvs }, (_, i) => name(i)), extentSizeBytes: BIG.extentSizeBytes });
    await lvcreate(ws, BIG.vg, { name: BIG.movingLv, extents: ws.getVg(BIG.vg).vg.pvs[0].peCount, pvs: [name(0)] });
    for (let l = 0; l < 16; l += 1) {
      for (let piece = 0; piece < 6; piece += 1) {
        const pv = name(2 + ((l * 7 + piece * 5) % (BIG.pvs - 2)));
        const extents = 97 + ((l * 31 + piece * 17) % 200);
        if (piece === 0) await lvcreate(ws, BIG.vg, { name: `data${l}`, extents, pvs: [pv] });
        else await lvextend(ws, BIG.vg, `data${l}`, { byExtents: extents, pvs: [pv] });
      }
    }
  } finally {
    await ws.close();
  }
}

/** The million-region move's workspace: a 1 TiB LV on one sparse PV, a free PV of the same size (issue 20). */
export const HUGE = { vg: 'vghuge', movingLv: 'huge', extentSizeBytes: 4 * MiB, extentsPerPv: 262_144, regionSectors: 1024, regions: 2_097_152 };

/** Two sparse 1 TiB PVs: `huge` fills pv01 (a 1 TiB segment: 2,097,152 regions of 512 KiB when moved), pv02 is free. */
export async function buildHugeWorkspace(dir: string): Promise<void> {
  const ws = await LvmWorkspace.open(new FolderWorkspaceStorage(dir), { holder: 'million-region bench', clock, random: new SeededRandom(20), hostname: os.hostname(), unixTime: () => Math.floor(Date.now() / 1000) });
  try {
    for (const image of ['pv01.img', 'pv02.img']) await pvcreate(ws, { image, sizeBytes: MiB + HUGE.extentsPerPv * HUGE.extentSizeBytes });
    await vgcreate(ws, { name: HUGE.vg, images: ['pv01.img', 'pv02.img'], extentSizeBytes: HUGE.extentSizeBytes });
    await lvcreate(ws, HUGE.vg, { name: HUGE.movingLv, extents: ws.getVg(HUGE.vg).vg.pvs[0].peCount, pvs: ['pv01.img'] });
  } finally {
    await ws.close();
  }
}
