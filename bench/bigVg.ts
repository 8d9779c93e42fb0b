// The large VG the benchmarks open: 1,000 LVs × 4 one-extent segments over 8 PVs of 4 GiB
// (sparse image files), written by lvmscope's own commands. Shared by openvg and cli.

import { performance } from 'node:perf_hooks';
import { FolderWorkspaceStorage } from '../main/node/fileStorage';
import { LvmWorkspace } from '../app/lvm/workspace/workspace';
import { pvcreate, vgcreate } from '../app/lvm/commands/index';
import { commitVg } from '../app/lvm/workspace/vgCommit';
import { cloneVg, type LogicalVolume } from '../app/lvm/model/types';
import { newUuid } from '../app/lvm/commands/names';
import { SeededRandom } from '../app/base/clock';
import { GiB, MiB } from '../app/base/units';

export const LVS = 1000;
export const SEGMENTS = 4;
export const PVS = 8;

const clock = { now: () => performance.now(), setTimer: () => ({ cancel() {} }) };
export const workspaceOptions = () => ({ holder: 'bench', clock, random: new SeededRandom(42), hostname: 'bench', unixTime: () => 1_800_000_000 });

/** Writes the VG `benchvg` into `dir` (pv1.img … pv8.img). */
export async function buildBigVg(dir: string): Promise<void> {
  const ws = await LvmWorkspace.open(new FolderWorkspaceStorage(dir), workspaceOptions());
  const images = Array.from({ length: PVS }, (_, i) => `pv${i + 1}.img`);
  for (const image of images) await pvcreate(ws, { image, sizeBytes: 4 * GiB, metadataSizeBytes: 8 * MiB - 4096 });
  await vgcreate(ws, { name: 'benchvg', images });
  const vg = cloneVg(ws.getVg('benchvg').vg);
  const random = new SeededRandom(7);
  for (let i = 0; i < LVS; i++) {
    const lv: LogicalVolume = { name: `lv${i}`, id: newUuid(random), status: ['READ', 'WRITE', 'VISIBLE'], flags: [], creationTime: 1_800_000_000, creationHost: 'bench', segments: [], extra: [] };
    for (let s = 0; s < SEGMENTS; s++) {
      const n = i * SEGMENTS + s; // consecutive segments land on different PVs
      lv.segments.push({ type: 'striped', startExtent: s, extentCount: 1, stripes: [{ kind: 'pv', pvId: vg.pvs[n % PVS].id, pe: Math.floor(n / PVS) }], extra: [] });
    }
    vg.lvs.push(lv);
  }
  await commitVg(ws, vg, { command: 'bench build' });
  await ws.close();
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * The VG of issue 20 point 3: 64 PVs of 16 TiB (sparse; 16 TiB less 1 MiB, as ext4 caps a file
 * just below 16 TiB), 4 MiB extents (4,194,295 per PV), 10,000 LVs of 5 linear segments each on
 * 5 different PVs, half of every PV allocated, so each map holds ~780 runs of ~2,700 extents.
 */
export const HUGE = { vg: 'hugevg', pvs: 64, pvBytes: 2 ** 44 - 2 ** 20, lvs: 10_000, segments: 5, metadataBytes: 32 * MiB - 4096 };

/**
 * The UI test's extra LV (test/e2e/bigVg.test.ts): 1 TiB in one segment in the free half of the
 * last PV, so that moving it with 512 KiB regions is issue 20's 2,097,152-region mirror.
 */
export const HUGE_MOVER = { name: 'mover', extents: 262_144, regionSectors: 1024, regions: 2_097_152 };

/**
 * Writes `hugevg` into `dir` (pv01.img … pv64.img) with lvmscope's own commands and one commit;
 * `withMover`: also HUGE_MOVER's 1 TiB LV (10,001 LVs; the open benchmark leaves it out).
 */
export async function buildHugeVg(dir: string, shape: Partial<typeof HUGE> = {}, withMover = false): Promise<void> {
  const s = { ...HUGE, ...shape };
  const ws = await LvmWorkspace.open(new FolderWorkspaceStorage(dir), workspaceOptions());
  try {
    const images = Array.from({ length: s.pvs }, (_, i) => `pv${String(i + 1).padStart(2, '0')}.img`);
    for (const image of images) await pvcreate(ws, { image, sizeBytes: s.pvBytes, metadataSizeBytes: s.metadataBytes });
    await vgcreate(ws, { name: s.vg, images });
    const vg = cloneVg(ws.getVg(s.vg).vg);
    const perSegment = Math.max(1, Math.floor((vg.pvs[0].peCount * s.pvs * 0.5) / (s.lvs * s.segments)));
    const nextPe = new Array<number>(s.pvs).fill(0);
    const random = new SeededRandom(7);
    for (let i = 0; i < s.lvs; i++) {
      const lv: LogicalVolume = { name: `lv${i}`, id: newUuid(random), status: ['READ', 'WRITE', 'VISIBLE'], flags: [], creationTime: 1_800_000_000, creationHost: 'bench', segments: [], extra: [] };
      for (let seg = 0; seg < s.segments; seg++) {
        const pv = (i * s.segments + seg) % s.pvs; // consecutive segments land on different PVs
        lv.segments.push({ type: 'striped', startExtent: seg * perSegment, extentCount: perSegment, stripes: [{ kind: 'pv', pvId: vg.pvs[pv].id, pe: nextPe[pv] }], extra: [] });
        nextPe[pv] += perSegment;
      }
      vg.lvs.push(lv);
    }
    if (withMover) {
      const last = s.pvs - 1;
      const mover: LogicalVolume = { name: HUGE_MOVER.name, id: newUuid(random), status: ['READ', 'WRITE', 'VISIBLE'], flags: [], creationTime: 1_800_000_000, creationHost: 'bench', segments: [], extra: [] };
      mover.segments.push({ type: 'striped', startExtent: 0, extentCount: HUGE_MOVER.extents, stripes: [{ kind: 'pv', pvId: vg.pvs[last].id, pe: nextPe[last] }], extra: [] });
      vg.lvs.push(mover);
    }
    await commitVg(ws, vg, { command: 'bench build' });
  } finally {
    await ws.close();
  }
}
