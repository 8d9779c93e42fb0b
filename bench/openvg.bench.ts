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
import { withLoopDevices } from '../test/helpers/lvm2';
import { buildBigVg, LVS, median, PVS, SEGMENTS, workspaceOptions } from './bigVg';

const RUNS = 7;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lvmscope-bench-'));
  try {
    await buildBigVg(dir);
    const ours: number[] = [];
    let segments = 0;
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      const ws = await LvmWorkspace.open(new FolderWorkspaceStorage(dir), workspaceOptions());
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
