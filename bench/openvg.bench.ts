// Benchmark: open and parse a VG of 1,000 LVs × 4 segments over 8 PVs with lvmscope, against
// real LVM2 `lvs` reading the same images on loop devices, in the same run. Prints the table
// and writes bench/results/lvm.md. Needs root, losetup and lvm2.
// Run: npx tsx bench/openvg.bench.ts   (or npm run bench openvg)

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FolderWorkspaceStorage } from '../main/node/fileStorage';
import { LvmWorkspace } from '../app/lvm/workspace/workspace';
import { pvcreate, vgcreate } from '../app/lvm/commands/index';
import { commitVg } from '../app/lvm/workspace/vgCommit';
import { cloneVg, type LogicalVolume } from '../app/lvm/model/types';
import { newUuid } from '../app/lvm/commands/names';
import { SeededRandom } from '../app/base/clock';
import { GiB, MiB } from '../app/base/units';
import { withLoopDevices } from '../test/helpers/lvm2';

const LVS = 1000;
const SEGMENTS = 4;
const PVS = 8;
const RUNS = 7;

const clock = { now: () => performance.now(), setTimer: () => ({ cancel() {} }) };
const options = () => ({ holder: 'bench', clock, random: new SeededRandom(42), hostname: 'bench', unixTime: () => 1_800_000_000 });

async function build(dir: string): Promise<void> {
  const ws = await LvmWorkspace.open(new FolderWorkspaceStorage(dir), options());
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
  await commitVg(ws, vg, { command: 'openvg.bench build' });
  await ws.close();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-bench-'));
  try {
    await build(dir);
    const ours: number[] = [];
    let segments = 0;
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      const ws = await LvmWorkspace.open(new FolderWorkspaceStorage(dir), options());
      segments = ws.getVg('benchvg').vg.lvs.reduce((n, lv) => n + lv.segments.length, 0);
      ours.push(performance.now() - t0);
      await ws.close();
    }
    const theirs: number[] = [];
    let theirRows = 0;
    await withLoopDevices(Array.from({ length: PVS }, (_, i) => path.join(dir, `pv${i + 1}.img`)), (a) => {
      for (let r = 0; r < RUNS; r++) {
        const t0 = performance.now();
        theirRows = a.report('lvs', '-o', 'lv_name,seg_start_pe,seg_size_pe,seg_pe_ranges', 'benchvg').length;
        theirs.push(performance.now() - t0);
      }
      a.lvm('vgck', 'benchvg');
    });
    if (segments !== LVS * SEGMENTS || theirRows !== LVS * SEGMENTS) throw new Error(`expected ${LVS * SEGMENTS} segments, lvmscope saw ${segments} and lvs ${theirRows}`);
    const ratio = median(ours) / median(theirs);
    const table = [
      '## lvm: open a VG of 1,000 LVs × 4 segments over 8 PVs',
      '',
      'Command: `npx tsx bench/openvg.bench.ts` (root, lvm2, loop devices; activation disabled).',
      `lvmscope = \`LvmWorkspace.open\` on the image folder (scan labels, read and parse metadata, validate, extent maps ready); LVM2 = \`lvs --reportformat json -o lv_name,seg_start_pe,seg_size_pe,seg_pe_ranges benchvg\` on the same images. Median of ${RUNS} runs each; both saw ${LVS * SEGMENTS} segments.`,
      '',
      '| reader | median ms |',
      '|---|---|',
      `| lvmscope open + parse | ${median(ours).toFixed(1)} |`,
      `| LVM2 lvs | ${median(theirs).toFixed(1)} |`,
      `| **ratio lvmscope / LVM2** | **${ratio.toFixed(2)}** (goal ≤ 1.00) |`,
      '',
    ].join('\n');
    console.log(table);
    writeFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'lvm.md'), table);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
